package io.synguard.bpf;

import io.synguard.testing.RequiredTool;

import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the FFM layer assumes of this host's libbpf, kernel and C library headers: a probe compiled
 * with clang from {@code src/test/c/native_abi.c} prints each struct {@link Structs} describes, with
 * the offset and size of each named member, and the value of each constant the Java side mirrors.
 * Members and constants must agree exactly; a fixed struct's size too, and a sized one (its user
 * passes its size) must be no larger than the header's. Needs clang: skipped without it, unless
 * CI=true, where it fails.
 */
class NativeAbiTest {
    private static final Path PROBE_SOURCE = Path.of("src/test/c/native_abi.c");

    private static Probe probe;

    @BeforeAll
    static void compileAndRunTheProbe(@TempDir Path dir) throws IOException, InterruptedException {
        Path clang = RequiredTool.require("clang", "'./synguard setup' installs it");
        Path binary = dir.resolve("native_abi");
        Path output = dir.resolve("out");
        run(dir, output, clang.toString(), "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-o", binary.toString(),
                PROBE_SOURCE.toAbsolutePath().toString());
        run(dir, output, binary.toString());
        probe = Probe.parse(Files.readAllLines(output));
    }

    @Test
    void everyStructAgreesWithThisHostsHeaders() {
        assertEquals(List.of(), mismatches(probe, Structs.SIZED, Structs.FIXED));
    }

    @Test
    void everyConstantAgreesWithThisHostsHeaders() {
        List<String> problems = new ArrayList<>();
        probe.constants.forEach((java, c) -> {
            long value = javaValue(java);
            if (value != c) {
                problems.add(java + " is " + c + " in C, " + value + " in Java");
            }
        });
        assertEquals(List.of(), problems);
        assertTrue(probe.constants.size() > 40, "the probe prints " + probe.constants.size() + " constants");
    }

    @Test
    void theProbeCoversEveryStruct() {
        assertEquals(Stream.concat(Structs.SIZED.stream(), Structs.FIXED.stream()).map(s -> s.name().orElseThrow()).sorted().toList(),
                probe.sizes.keySet().stream().sorted().toList());
    }

    @Test
    void aMemberAtTheWrongOffsetIsCaught() {
        StructLayout swapped = structLayout(JAVA_LONG.withName("sz"), paddingLayout(48),
                JAVA_INT.withName("repeat"), JAVA_INT.withName("retval"), paddingLayout(16)).withName("bpf_test_run_opts");
        List<String> problems = mismatches(probe, List.of(swapped), List.of());
        assertEquals(List.of("bpf_test_run_opts.repeat: at 60 (4 bytes) in C, at 56 (4 bytes) in Java",
                "bpf_test_run_opts.retval: at 56 (4 bytes) in C, at 60 (4 bytes) in Java"), problems);
    }

    @Test
    void aFixedStructOfAnotherSizeAndAMemberTheProbeLacksAreCaught() {
        StructLayout longer = structLayout(JAVA_INT.withName("name_off"), JAVA_INT.withName("val"),
                JAVA_INT.withName("val64_hi32")).withName("btf_enum");
        assertEquals(List.of("struct btf_enum: 8 bytes in C, 12 in Java",
                        "btf_enum.val64_hi32: the probe does not print it (list it in " + PROBE_SOURCE + ")"),
                mismatches(probe, List.of(), List.of(longer)));
    }

    /** Every disagreement between the layouts and the probe's output; empty when they agree. */
    private static List<String> mismatches(Probe c, List<StructLayout> sized, List<StructLayout> fixed) {
        List<String> problems = new ArrayList<>();
        for (StructLayout layout : Stream.concat(sized.stream(), fixed.stream()).toList()) {
            String name = layout.name().orElseThrow();
            Long size = c.sizes.get(name);
            if (size == null) {
                problems.add("struct " + name + ": the probe does not print it (list it in " + PROBE_SOURCE + ")");
                continue;
            }
            if (fixed.contains(layout) ? layout.byteSize() != size : layout.byteSize() > size) {
                problems.add("struct " + name + ": " + size + " bytes in C, " + layout.byteSize() + " in Java");
            }
            Map<String, long[]> inC = c.members.getOrDefault(name, Map.of());
            members(layout, "", 0).forEach((member, java) -> {
                long[] cMember = inC.get(member);
                if (cMember == null) {
                    problems.add(name + "." + member + ": the probe does not print it (list it in " + PROBE_SOURCE + ")");
                } else if (cMember[0] != java[0] || cMember[1] != java[1]) {
                    problems.add(name + "." + member + ": at " + cMember[0] + " (" + cMember[1] + " bytes) in C, at "
                            + java[0] + " (" + java[1] + " bytes) in Java");
                }
            });
        }
        return problems;
    }

    /**
     * The Java constant at path: a class of this package, one of its static fields, then fields of
     * that field's value ({@code XdpMode.NATIVE.flags}); an enum constant at the end is its ordinal.
     */
    private static long javaValue(String path) {
        String[] names = path.split("\\.");
        try {
            Class<?> type = Class.forName(NativeAbiTest.class.getPackageName() + "." + names[0]);
            Object value = null;
            for (int i = 1; i < names.length; i++) {
                Field field = type.getDeclaredField(names[i]);
                field.setAccessible(true);
                value = field.get(value);
                type = field.getType();
            }
            if (value instanceof Errno errno) {
                return errno.number();
            }
            return value instanceof Enum<?> constant ? constant.ordinal() : ((Number) value).longValue();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the probe names " + path + ", which Java does not have", e);
        }
    }

    /** Named members by dotted name, with offset and size; padding has no name. */
    private static Map<String, long[]> members(GroupLayout group, String prefix, long base) {
        Map<String, long[]> members = new LinkedHashMap<>();
        long offset = base;
        for (MemoryLayout member : group.memberLayouts()) {
            if (member.name().isPresent()) {
                String name = prefix + member.name().get();
                if (member instanceof GroupLayout nested) {
                    members.putAll(members(nested, name + ".", offset));
                } else {
                    members.put(name, new long[]{offset, member.byteSize()});
                }
            }
            offset += member.byteSize();
        }
        return members;
    }

    private static void run(Path dir, Path output, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + ": timed out");
        }
        assertTrue(p.exitValue() == 0, String.join(" ", command) + " exited " + p.exitValue() + ": "
                + Files.readString(output));
    }

    /** What the probe printed: struct sizes, member offsets and sizes by struct, constants by Java path. */
    private record Probe(Map<String, Long> sizes, Map<String, Map<String, long[]>> members, Map<String, Long> constants) {
        static Probe parse(List<String> lines) {
            Probe probe = new Probe(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
            for (String line : lines) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "size" -> probe.sizes.put(f[1], Long.parseLong(f[2]));
                    case "member" -> probe.members.computeIfAbsent(f[1], k -> new LinkedHashMap<>())
                            .put(f[2], new long[]{Long.parseLong(f[3]), Long.parseLong(f[4])});
                    case "const" -> probe.constants.put(f[1], Long.parseLong(f[2]));
                    default -> throw new AssertionError("unexpected probe line: " + line);
                }
            }
            return probe;
        }
    }
}
