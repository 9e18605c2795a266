package dev.wirelab.mutants;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Instruction;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LocalVariable;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One change to one method of one engine class, the way a mutation-testing tool makes it: in the
 * compiled code, so the source that ships stays the one under test. Each edit says how many places it
 * changed; a mutant whose edit matches nothing is stale (the engine was reshaped) and refuses to start.
 */
public sealed interface Edit {
    /** The class, as an internal name ("dev/wirelab/engine/device/Device"). */
    String owner();

    /** The method's name; every overload of it is edited. */
    String method();

    /** What the edit does, for the catalogue. */
    String describe();

    /** The method's new code, given its old code; {@code changes} counts the places edited. */
    CodeTransform transform(CodeModel code, int[] changes);

    /** The method returns {@code value} at once (null: a void method returns), doing nothing else. */
    record ReturnConstant(String owner, String method, ConstantDesc value) implements Edit {
        @Override
        public String describe() {
            return simple(owner) + "." + method + "() returns " + (value == null ? "at once" : value);
        }

        @Override
        public CodeTransform transform(CodeModel code, int[] changes) {
            return new CodeTransform() {
                @Override
                public void atStart(CodeBuilder cb) {
                    changes[0]++;
                    if (value == null) {
                        cb.return_();
                        return;
                    }
                    cb.loadConstant(value);
                    cb.return_(kind(code.parent().orElseThrow().methodTypeSymbol().returnType()));
                }

                @Override
                public void accept(CodeBuilder cb, CodeElement e) {
                    // The old body is dropped whole, with its labels, locals and handlers.
                }
            };
        }
    }

    /** Every constant {@code from} in the method becomes {@code to} (an int stays an int, a long a long). */
    record SwapConstant(String owner, String method, long from, long to) implements Edit {
        @Override
        public String describe() {
            return "in " + simple(owner) + "." + method + "(), the constant " + from + " becomes " + to;
        }

        @Override
        public CodeTransform transform(CodeModel code, int[] changes) {
            return (cb, e) -> {
                if (e instanceof ConstantInstruction c && c.constantValue() instanceof Number n
                        && (n instanceof Integer || n instanceof Long) && n.longValue() == from) {
                    changes[0]++;
                    cb.loadConstant(n instanceof Integer ? (ConstantDesc) Math.toIntExact(to) : (ConstantDesc) to);
                } else {
                    cb.with(e);
                }
            };
        }
    }

    /**
     * The result of a call to {@code calleeOwner.callee} in the method is thrown away and replaced:
     * by a constant, by a local variable of the method (named as in the source: {@code local:peer}),
     * or by a new zeroed byte array ({@code zeros:32}). The call itself still runs. {@code only}: the
     * 1-based occurrence of the call to edit, or 0 for every one.
     */
    record ReplaceResult(String owner, String method, String calleeOwner, String callee, Object replacement, int only)
            implements Edit {
        public ReplaceResult(String owner, String method, String calleeOwner, String callee, Object replacement) {
            this(owner, method, calleeOwner, callee, replacement, 0);
        }

        @Override
        public String describe() {
            return "in " + simple(owner) + "." + method + "(), " + (only == 0 ? "" : "call " + only + " of ")
                    + simple(calleeOwner) + "." + callee + "() is taken as " + replacement;
        }

        @Override
        public CodeTransform transform(CodeModel code, int[] changes) {
            Map<String, LocalVariable> locals = locals(code);
            int[] seen = {0};
            return (cb, e) -> {
                cb.with(e);
                if (e instanceof InvokeInstruction i && calls(i, calleeOwner, callee) && (++seen[0] == only || only == 0)) {
                    changes[0]++;
                    pop(cb, i.typeSymbol().returnType());
                    switch (replacement) {
                        case String s when s.startsWith("local:") -> load(cb, local(locals, s.substring(6), this));
                        case String s when s.startsWith("zeros:") -> {
                            cb.loadConstant(Integer.parseInt(s.substring(6)));
                            cb.newarray(TypeKind.BYTE);
                        }
                        case ConstantDesc c -> cb.loadConstant(c);
                        default -> throw new IllegalArgumentException("cannot replace a result by " + replacement);
                    }
                }
            };
        }
    }

    /**
     * Call {@code only} (1-based) of the void method {@code calleeOwner.callee} in the method is not
     * made: its receiver and arguments are popped instead.
     */
    record RemoveCall(String owner, String method, String calleeOwner, String callee, int only) implements Edit {
        @Override
        public String describe() {
            return "in " + simple(owner) + "." + method + "(), call " + only + " of " + simple(calleeOwner) + "." + callee
                    + "() is not made";
        }

        @Override
        public CodeTransform transform(CodeModel code, int[] changes) {
            int[] seen = {0};
            return (cb, e) -> {
                if (e instanceof InvokeInstruction i && calls(i, calleeOwner, callee) && ++seen[0] == only) {
                    MethodTypeDesc type = i.typeSymbol();
                    if (!type.returnType().descriptorString().equals("V")) {
                        throw new IllegalStateException(describe() + ": only a void call can be left out");
                    }
                    changes[0]++;
                    for (int a = type.parameterCount() - 1; a >= 0; a--) {
                        pop(cb, type.parameterType(a));
                    }
                    if (i.opcode() != Opcode.INVOKESTATIC) {
                        cb.pop(); // the receiver
                    }
                } else {
                    cb.with(e);
                }
            };
        }
    }

    /**
     * Every call of {@code callee} in the method calls {@code replacement} instead: a method of the same
     * class with the same parameters, as a wrong call in the source would.
     */
    record RenameCall(String owner, String method, String calleeOwner, String callee, String replacement) implements Edit {
        @Override
        public String describe() {
            return "in " + simple(owner) + "." + method + "(), " + simple(calleeOwner) + "." + callee + "() becomes "
                    + replacement + "()";
        }

        @Override
        public CodeTransform transform(CodeModel code, int[] changes) {
            return (cb, e) -> {
                if (e instanceof InvokeInstruction i && calls(i, calleeOwner, callee)) {
                    changes[0]++;
                    cb.invoke(i.opcode(), i.owner().asSymbol(), replacement, i.typeSymbol(), i.isInterface());
                } else {
                    cb.with(e);
                }
            };
        }
    }

    /**
     * Where the method reads the length of array {@code from} ({@code from.length}), it reads the
     * length of {@code to} instead (both local variables, named as in the source).
     */
    record SwapLength(String owner, String method, String from, String to) implements Edit {
        @Override
        public String describe() {
            return "in " + simple(owner) + "." + method + "(), " + from + ".length becomes " + to + ".length";
        }

        @Override
        public CodeTransform transform(CodeModel code, int[] changes) {
            Map<String, LocalVariable> locals = locals(code);
            int fromSlot = local(locals, from, this).slot();
            LocalVariable replacement = local(locals, to, this);
            // A load is held back one element: only a load followed by arraylength is swapped.
            LoadInstruction[] pending = {null};
            return new CodeTransform() {
                @Override
                public void accept(CodeBuilder cb, CodeElement e) {
                    if (pending[0] != null) {
                        if (e instanceof Instruction i && i.opcode() == Opcode.ARRAYLENGTH) {
                            changes[0]++;
                            load(cb, replacement);
                        } else {
                            cb.with(pending[0]);
                        }
                        pending[0] = null;
                    }
                    if (e instanceof LoadInstruction l && l.slot() == fromSlot && l.typeKind() == TypeKind.REFERENCE) {
                        pending[0] = l;
                    } else {
                        cb.with(e);
                    }
                }

                @Override
                public void atEnd(CodeBuilder cb) {
                    if (pending[0] != null) {
                        cb.with(pending[0]);
                    }
                }
            };
        }
    }

    /**
     * Before the first call to {@code beforeOwner.before} in the method, a call is added to the
     * method's own class: private {@code call} with descriptor {@code descriptor}, on {@code this}, with the
     * method's local variables {@code arguments} (named as in the source).
     */
    record InsertCall(String owner, String method, String beforeOwner, String before, String call, String descriptor,
            List<String> arguments) implements Edit {
        @Override
        public String describe() {
            return "in " + simple(owner) + "." + method + "(), " + call + "(" + String.join(", ", arguments)
                    + ") is called before " + simple(beforeOwner) + "." + before + "()";
        }

        @Override
        public CodeTransform transform(CodeModel code, int[] changes) {
            Map<String, LocalVariable> locals = locals(code);
            return (cb, e) -> {
                if (changes[0] == 0 && e instanceof InvokeInstruction i && calls(i, beforeOwner, before)) {
                    changes[0]++;
                    cb.aload(0);
                    for (String a : arguments) {
                        load(cb, local(locals, a, this));
                    }
                    cb.invokespecial(ClassDesc.ofInternalName(owner), call, MethodTypeDesc.ofDescriptor(descriptor));
                }
                cb.with(e);
            };
        }
    }

    /**
     * The static method's body becomes a call to {@code target.method} (a static method of this
     * module with the same parameters), whose result it returns.
     */
    record Redirect(String owner, String method, Class<?> target, String replacement) implements Edit {
        /** Replaced by the method of the same name in {@code target}. */
        public Redirect(String owner, String method, Class<?> target) {
            this(owner, method, target, method);
        }

        @Override
        public String describe() {
            return simple(owner) + "." + method + "() is replaced by " + target.getSimpleName() + "." + replacement + "()";
        }

        @Override
        public CodeTransform transform(CodeModel code, int[] changes) {
            java.lang.classfile.MethodModel m = code.parent().orElseThrow();
            MethodTypeDesc declared = m.methodTypeSymbol();
            // An instance method's replacement takes the instance as its first parameter.
            MethodTypeDesc type = m.flags().has(java.lang.reflect.AccessFlag.STATIC) ? declared
                    : declared.insertParameterTypes(0, ClassDesc.ofInternalName(owner));
            return new CodeTransform() {
                @Override
                public void atStart(CodeBuilder cb) {
                    changes[0]++;
                    int slot = 0;
                    for (ClassDesc p : type.parameterList()) {
                        TypeKind k = kind(p);
                        cb.loadLocal(k, slot);
                        slot += k.slotSize();
                    }
                    cb.invokestatic(ClassDesc.of(target.getName()), replacement, type);
                    cb.return_(kind(type.returnType()));
                }

                @Override
                public void accept(CodeBuilder cb, CodeElement e) {
                }
            };
        }
    }

    private static String simple(String internalName) {
        return internalName.substring(internalName.lastIndexOf('/') + 1);
    }

    /** The method's local variables by source name (javac's debug table; Maven compiles with -g). */
    private static Map<String, LocalVariable> locals(CodeModel code) {
        Map<String, LocalVariable> byName = new HashMap<>();
        for (CodeElement e : code.elementList()) {
            if (e instanceof LocalVariable v) {
                LocalVariable other = byName.putIfAbsent(v.name().stringValue(), v);
                if (other != null && other.slot() != v.slot()) {
                    byName.put(v.name().stringValue(), null); // two variables of that name: ambiguous
                }
            }
        }
        return byName;
    }

    private static LocalVariable local(Map<String, LocalVariable> locals, String name, Edit edit) {
        LocalVariable v = locals.get(name);
        if (v == null) {
            throw new IllegalStateException(edit.describe() + ": the method has no single local variable '" + name
                    + "' (compiled without -g, or renamed)");
        }
        return v;
    }

    private static void load(CodeBuilder cb, LocalVariable v) {
        cb.loadLocal(kind(v.typeSymbol()), v.slot());
    }

    /** Whether {@code i} calls method {@code name} of class {@code owner} (an internal name). */
    private static boolean calls(InvokeInstruction i, String owner, String name) {
        return i.owner().asInternalName().equals(owner) && i.name().equalsString(name);
    }

    /** Pops a value of {@code type} off the operand stack: one slot, or two for a long or double. */
    private static void pop(CodeBuilder cb, ClassDesc type) {
        if (kind(type).slotSize() == 2) {
            cb.pop2();
        } else {
            cb.pop();
        }
    }

    private static TypeKind kind(ClassDesc type) {
        return type.isPrimitive() ? TypeKind.from(type) : TypeKind.REFERENCE;
    }
}
