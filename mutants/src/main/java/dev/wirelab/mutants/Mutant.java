package dev.wirelab.mutants;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeModel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A wirelab device with exactly one deliberate protocol fault: its edits, applied to the engine's
 * classes as they load, all serve that one fault.
 *
 * @param name  kebab-case, as a conformance target ("mutant:NAME") and in the mutation table
 * @param fault what is wrong, in the protocol's words
 * @param edits the changes to the compiled engine that make it so
 */
public record Mutant(String name, String fault, List<Edit> edits) {
    public Mutant {
        edits = List.copyOf(edits);
    }

    /** The internal names of the classes this mutant changes. */
    public Set<String> classes() {
        return edits.stream().map(Edit::owner).collect(Collectors.toSet());
    }

    /**
     * {@code bytes} of class {@code internalName} with this mutant's edits for it, adding to {@code
     * changes} how many places each edit changed. Stack maps are computed anew, resolving other
     * classes through {@code loader}.
     */
    public byte[] apply(String internalName, byte[] bytes, ClassLoader loader, Map<Edit, Integer> changes) {
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                ClassHierarchyResolver.ofResourceParsing(loader).orElse(ClassHierarchyResolver.defaultResolver())));
        byte[] result = bytes;
        for (Edit edit : edits) {
            if (!edit.owner().equals(internalName)) {
                continue;
            }
            int[] count = {0};
            result = cf.transformClass(cf.parse(result), ClassTransform.transformingMethods(
                    m -> m.methodName().equalsString(edit.method()),
                    (mb, me) -> {
                        if (me instanceof CodeModel code) {
                            mb.transformCode(code, edit.transform(code, count));
                        } else {
                            mb.with(me);
                        }
                    }));
            changes.merge(edit, count[0], Integer::sum);
        }
        return result;
    }
}
