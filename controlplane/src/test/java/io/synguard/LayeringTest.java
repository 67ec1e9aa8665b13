package io.synguard;

import io.synguard.cli.Main;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Dependencies point down: a package of the control plane uses only packages of the layers below
 * its own (development.md, "Layers"), read from the compiled classes, so that a type named only in
 * a signature or a fully qualified name counts too.
 */
class LayeringTest {
    /** Top to bottom; packages of one layer do not use each other. */
    static final List<Set<String>> LAYERS = List.of(
            Set.of("cli"),
            Set.of("daemon", "demo"),
            Set.of("api"),
            Set.of("metrics"),
            Set.of("fleet", "flowspec"),
            Set.of("detect", "policy"),
            Set.of("config", "state"),
            Set.of("dataplane", "flood", "host"),
            Set.of("bpf"),
            Set.of("json", "net", "packet"));

    /** A class named in the constant pool, or a type inside a descriptor or signature. */
    private static final Pattern NAMED = Pattern.compile("^\\[*L?io/synguard/(\\w+)/");
    private static final Pattern IN_DESCRIPTOR = Pattern.compile("Lio/synguard/(\\w+)/");

    @Test
    void everyPackageUsesOnlyTheLayersBelowIt() throws IOException {
        Set<String> upward = new TreeSet<>();
        Set<String> seen = new TreeSet<>();
        for (ClassModel c : mainClasses()) {
            String from = packageOf(c.thisClass().asInternalName());
            seen.add(from);
            for (String to : packagesUsedBy(c)) {
                if (!to.equals(from) && layer(to) <= layer(from)) {
                    upward.add(c.thisClass().asInternalName().replace('/', '.') + " uses io.synguard." + to);
                }
            }
        }
        assertEquals(Set.of(), upward, "dependencies that do not point down");
        assertEquals(LAYERS.stream().flatMap(Set::stream).collect(Collectors.toCollection(TreeSet::new)), seen,
                "the layers name every package there is and no other");
    }

    /** The control loop publishes domain state; of the daemon, only its assembly (which starts the API) knows api. */
    @Test
    void onlyTheDaemonsAssemblyUsesTheApi() throws IOException {
        Set<String> users = new TreeSet<>();
        for (ClassModel c : mainClasses()) {
            String name = c.thisClass().asInternalName();
            if (packageOf(name).equals("daemon") && !name.matches("io/synguard/daemon/Daemon(\\$.*)?")
                    && packagesUsedBy(c).contains("api")) {
                users.add(name.replace('/', '.'));
            }
        }
        assertEquals(Set.of(), users);
    }

    private static int layer(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) {
                return i;
            }
        }
        throw new AssertionError("io.synguard." + pkg + " is in no layer: place it in LayeringTest.LAYERS and"
                + " development.md");
    }

    private static Set<String> packagesUsedBy(ClassModel c) {
        Set<String> used = new TreeSet<>();
        for (PoolEntry e : c.constantPool()) {
            Matcher m = switch (e) {
                case ClassEntry ce -> NAMED.matcher(ce.asInternalName());
                case Utf8Entry u -> IN_DESCRIPTOR.matcher(u.stringValue());
                default -> null;
            };
            while (m != null && m.find()) {
                used.add(m.group(1));
            }
        }
        return used;
    }

    private static String packageOf(String internalName) {
        Matcher m = NAMED.matcher(internalName);
        if (!m.find()) {
            throw new AssertionError(internalName + " is outside io.synguard's packages");
        }
        return m.group(1);
    }

    /** Every class of the main source set, as compiled. */
    private static List<ClassModel> mainClasses() throws IOException {
        Path root;
        try {
            root = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<ClassModel> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("io/synguard"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                classes.add(ClassFile.of().parse(f));
            }
        }
        return classes;
    }
}
