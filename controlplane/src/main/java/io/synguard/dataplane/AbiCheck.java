package io.synguard.dataplane;

import io.synguard.bpf.BpfObject;
import io.synguard.bpf.Btf;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds the Java mirror ({@link Abi}) against the compiled object's BTF: struct sizes, member
 * offsets, and every shared constant by its C name. A mismatch means Java would misread the
 * kernel's memory, so the loader refuses to go on.
 */
final class AbiCheck {
    /** The C enums that carry the ABI's constants. */
    static final List<String> ENUMS = List.of("sg_abi_const", "sg_mode", "sg_cookie_mode", "sg_counter", "sg_family",
            "sg_rule_kind", "sg_rule_serial", "sg_event_kind");

    private AbiCheck() {}

    /**
     * Every mirrored constant by its C name: each {@code int} constant of {@link Abi} is C's
     * {@code SG_} and its name, each counter {@code SG_CNT_} and its name.
     */
    static Map<String, Long> constants() {
        Map<String, Long> c = new LinkedHashMap<>();
        for (Field f : Abi.class.getFields()) {
            if (f.getType() == int.class && Modifier.isStatic(f.getModifiers())) {
                c.put("SG_" + f.getName(), (long) intValue(f));
            }
        }
        for (Abi.Counter counter : Abi.Counter.values()) {
            c.put("SG_CNT_" + counter.name(), (long) counter.id());
        }
        c.put("SG_CNT__COUNT", (long) Abi.Counter.values().length);
        return c;
    }

    /** Key and value sizes the views expect of each map, by name. */
    static Map<String, long[]> mapSizes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(Dataplane.CONFIG, new long[]{4, Abi.CONFIG.byteSize()});
        m.put(Dataplane.COUNTERS, new long[]{4, Abi.COUNTERS.byteSize()});
        m.put(Dataplane.RULES, new long[]{4, Abi.RULE.byteSize()});
        m.put(Dataplane.RULE_HITS, new long[]{4, Abi.RULE_HIT_LINE.byteSize()});
        m.put(Dataplane.T16, new long[]{4, 8});
        m.put(Dataplane.BLOCK_V4, new long[]{Abi.LPM_V4_KEY.byteSize(), Abi.RULE_META.byteSize()});
        m.put(Dataplane.ALLOW_V4, new long[]{Abi.LPM_V4_KEY.byteSize(), Abi.RULE_META.byteSize()});
        m.put(Dataplane.BLOCK_V6, new long[]{Abi.LPM_V6_KEY.byteSize(), Abi.RULE_META.byteSize()});
        m.put(Dataplane.ALLOW_V6, new long[]{Abi.LPM_V6_KEY.byteSize(), Abi.RULE_META.byteSize()});
        m.put(Dataplane.RATE, new long[]{4, Abi.RATE_SET.byteSize()});
        m.put(Dataplane.RATE_SHARED, new long[]{4, Abi.RATE_SET.byteSize()});
        m.put(Dataplane.EVENTS, new long[]{0, 0});
        m.put(Dataplane.COOKIE_KEYS, new long[]{4, Abi.COOKIE_KEYS.byteSize()});
        m.put(Dataplane.VICTIMS, new long[]{4, Abi.VICTIM.byteSize()});
        return m;
    }

    /** Every disagreement between the mirror and the object; empty when they agree. */
    static List<String> mismatches(BpfObject object) {
        List<String> problems = mismatches(object.btf());
        List<String> declared = object.mapNames();
        for (String name : Dataplane.MAPS) {
            if (!declared.contains(name)) {
                problems.add("map " + name + " is not in the object");
            }
        }
        mapSizes().forEach((name, sizes) -> {
            if (declared.contains(name)) {
                BpfObject.MapSpec spec = object.mapSpec(name);
                if (spec.keySize() != sizes[0] || spec.valueSize() != sizes[1]) {
                    problems.add("map " + name + ": key/value " + spec.keySize() + "/" + spec.valueSize()
                            + " bytes in C, " + sizes[0] + "/" + sizes[1] + " in Java");
                }
            }
        });
        return problems;
    }

    /** Every disagreement between the mirror and btf; empty when they agree. */
    static List<String> mismatches(Btf btf) {
        List<String> problems = new ArrayList<>();
        for (StructLayout layout : Abi.STRUCTS) {
            String name = layout.name().orElseThrow();
            btf.struct(name).ifPresentOrElse(s -> {
                if (s.size() != layout.byteSize()) {
                    problems.add("struct " + name + ": " + s.size() + " bytes in C, " + layout.byteSize() + " in Java");
                }
                if (!s.members().equals(offsets(layout))) {
                    problems.add("struct " + name + ": members " + s.members() + " in C, " + offsets(layout) + " in Java");
                }
            }, () -> problems.add("struct " + name + " is not in the object's BTF"));
        }
        Map<String, Long> inC = new LinkedHashMap<>();
        for (String e : ENUMS) {
            btf.enumeration(e).ifPresentOrElse(inC::putAll, () -> problems.add("enum " + e + " is not in the object's BTF"));
        }
        constants().forEach((name, value) -> {
            Long c = inC.get(name);
            if (c == null) {
                problems.add(name + " is not in the object's BTF");
            } else if (c.intValue() != value.intValue()) {
                problems.add(name + " is " + c + " in C, " + value + " in Java");
            }
        });
        inC.keySet().stream().filter(n -> !constants().containsKey(n))
                .forEach(n -> problems.add(n + " has no Java mirror"));
        return problems;
    }

    private static int intValue(Field constant) {
        try {
            return constant.getInt(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Abi's constants are public", e);
        }
    }

    private static Map<String, Long> offsets(StructLayout layout) {
        Map<String, Long> offsets = new LinkedHashMap<>();
        for (MemoryLayout member : layout.memberLayouts()) {
            member.name().ifPresent(n -> offsets.put(n, layout.byteOffset(MemoryLayout.PathElement.groupElement(n))));
        }
        return offsets;
    }
}
