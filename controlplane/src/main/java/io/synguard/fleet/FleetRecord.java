package io.synguard.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.synguard.dataplane.RuleKind;
import io.synguard.json.Json;
import io.synguard.net.Prefix;
import io.synguard.policy.Entry;
import io.synguard.policy.Origin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * One key's value in the shared store: a block or an allow as the member that made it placed it,
 * or, removed, a tombstone saying it was lifted at created, kept until expires so that a member
 * that was away learns of it. Times are absolute: every member lapses an entry at the same moment,
 * whatever the engine's leases do.
 *
 * @param kind    "block" or "allow"
 * @param prefix  canonical prefix
 * @param origin  how its maker placed it (a tombstone: of what it lifted): "operator" or "auto"
 * @param reason  the maker's reason; may be null
 * @param created when it was placed or lifted: of two changes of one prefix the later wins
 * @param expires when it lapses (a tombstone: when it is forgotten); null for never
 * @param host    the member that made the change
 * @param removed whether this is a tombstone
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record FleetRecord(String kind, String prefix, String origin, String reason, String created, String expires,
                   String host, boolean removed) {

    /** An entry this host made. */
    static FleetRecord of(Entry e, String host) {
        return new FleetRecord(kindText(e.kind()), e.prefix().toString(), e.origin().text(), e.reason(),
                e.created().toString(), text(e.expires()), host, false);
    }

    /** This host lifted prefix, an entry of origin by, at a time; the tombstone lasts until expires. */
    static FleetRecord tombstone(RuleKind kind, Prefix prefix, Origin by, Instant at, Instant expires, String host) {
        return new FleetRecord(kindText(kind), prefix.toString(), by.text(), null, at.toString(), text(expires), host,
                true);
    }

    static FleetRecord parse(byte[] json) {
        try {
            return Json.mapper().readValue(json, FleetRecord.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a fleet record: " + e.getMessage(), e);
        }
    }

    byte[] json() {
        try {
            return Json.mapper().writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RuleKind ruleKind() {
        return kind.equals("allow") ? RuleKind.ALLOW : RuleKind.BLOCK;
    }

    Prefix parsedPrefix() {
        return Prefix.parse(prefix);
    }

    /** As this host holds it: origin fleet, with its maker. */
    Entry entry() {
        return new Entry(ruleKind(), parsedPrefix(), Origin.FLEET, reason, createdAt(), expiresAt(), host);
    }

    /** Its key under the fleet's prefix: one key per prefix and list. */
    String key(String root) {
        return key(root, ruleKind(), parsedPrefix());
    }

    static String key(String root, RuleKind kind, Prefix prefix) {
        return root + (kind == RuleKind.ALLOW ? "/allows/" : "/blocks/") + prefix.toString().replace('/', '_');
    }

    Instant createdAt() {
        return Instant.parse(created);
    }

    /** When it lapses; null for never. */
    Instant expiresAt() {
        return expires == null ? null : Instant.parse(expires);
    }

    boolean expiredAt(Instant now) {
        return expires != null && !expiresAt().isAfter(now);
    }

    /** Whether this change came after other (later created; on a tie, the greater host). */
    boolean after(FleetRecord other) {
        int c = createdAt().compareTo(other.createdAt());
        return c != 0 ? c > 0 : host.compareTo(other.host) > 0;
    }

    /** Whether other is the same change (same maker, same moment, same kind of change). */
    boolean sameChange(FleetRecord other) {
        return other != null && created.equals(other.created) && host.equals(other.host) && removed == other.removed;
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private static String kindText(RuleKind kind) {
        return kind == RuleKind.ALLOW ? "allow" : "block";
    }
}
