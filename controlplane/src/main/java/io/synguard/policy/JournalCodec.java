package io.synguard.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.config.Settings;
import io.synguard.dataplane.RuleKind;
import io.synguard.net.Prefix;
import io.synguard.state.Journal;

import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The policy's journal records: their shapes, which are the format on disk (a state directory from
 * an earlier run must keep restoring), and what replaying them gives.
 */
final class JournalCodec {
    private JournalCodec() {}

    static Object put(Entry e) {
        return new Put(e.kind() == RuleKind.BLOCK ? "block" : "allow", e.prefix().toString(), e.origin(), e.reason(),
                e.created().toString(), e.expires() == null ? null : e.expires().toString(), e.host());
    }

    static Object remove(RuleKind kind, Prefix prefix) {
        return new Remove(kind == RuleKind.BLOCK ? "unblock" : "disallow", prefix.toString());
    }

    static Object settings(Settings s) {
        return new SettingsRecord("config", s);
    }

    /** Reads the whole journal. */
    static Replayed replay(Journal journal) {
        Replayed replayed = new Replayed();
        journal.replay(replayed::apply);
        return replayed;
    }

    /**
     * What the journal said last: of each prefix, that it holds an entry (packed, as the policy holds
     * them: a journal of a million entries replays into ~50 MB) or was removed; of the settings.
     */
    static final class Replayed {
        private final Map<RuleKind, EntryTable> entries = new EnumMap<>(RuleKind.class);
        private final Map<RuleKind, Set<Prefix>> removed = new EnumMap<>(RuleKind.class);
        private Settings settings;
        /** Per field, the previous record's text. */
        private final Map<String, String> lastTexts = new HashMap<>();

        private Replayed() {
            for (RuleKind kind : RuleKind.values()) {
                entries.put(kind, new EntryTable(kind));
                removed.put(kind, new HashSet<>());
            }
        }

        /** The entries of a kind, each made as the iteration reaches it. */
        Iterable<Entry> entries(RuleKind kind) {
            return entries.get(kind).stream()::iterator;
        }

        /** Whether the journal's last word on prefix was to remove it. */
        boolean removed(RuleKind kind, Prefix prefix) {
            return removed.get(kind).contains(prefix);
        }

        /** The settings last journaled; null if none were. */
        Settings settings() {
            return settings;
        }

        private void apply(JsonNode r) {
            String op = r.path("op").asText();
            switch (op) {
                case "block", "allow" -> {
                    RuleKind kind = op.equals("block") ? RuleKind.BLOCK : RuleKind.ALLOW;
                    Prefix p = Prefix.parse(r.get("prefix").asText());
                    Origin origin = switch (r.path("origin").asText()) {
                        case "auto" -> Origin.AUTO;
                        case "fleet" -> Origin.FLEET;
                        default -> Origin.OPERATOR;
                    };
                    entries.get(kind).put(new Entry(kind, p, origin, text(r, "reason"),
                            Instant.parse(r.get("created").asText()), instant(r.get("expires")), text(r, "host")));
                    removed.get(kind).remove(p);
                }
                case "unblock" -> removed(RuleKind.BLOCK, r);
                case "disallow" -> removed(RuleKind.ALLOW, r);
                case "config" -> settings = Settings.restore(r.get("config"));
                default -> throw new IllegalStateException("unknown journal record '" + op + "': " + r);
            }
        }

        private void removed(RuleKind kind, JsonNode r) {
            Prefix p = Prefix.parse(r.get("prefix").asText());
            entries.get(kind).remove(p);
            removed.get(kind).add(p);
        }

        /**
         * A field's text; one equal to that field's in the previous record is that same string, so the
         * records of one import, which share a reason (and a host, learnt from the fleet), hold it once.
         */
        private String text(JsonNode record, String field) {
            JsonNode node = record.get(field);
            String t = node == null || node.isNull() ? null : node.asText();
            String last = lastTexts.get(field);
            if (t != null && t.equals(last)) {
                return last;
            }
            if (t != null) {
                lastTexts.put(field, t);
            }
            return t;
        }

        private static Instant instant(JsonNode node) {
            return node == null || node.isNull() ? null : Instant.parse(node.asText());
        }
    }

    /** @param host written only for an entry from the fleet, so other records keep their shape */
    record Put(String op, String prefix, Origin origin, String reason, String created, String expires,
               @JsonInclude(JsonInclude.Include.NON_NULL) String host) {}

    record Remove(String op, String prefix) {}

    record SettingsRecord(String op, Settings config) {}
}
