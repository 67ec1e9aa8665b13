package io.synguard.bench;

import com.fasterxml.jackson.core.JsonParser;
import io.synguard.api.BulkImport;
import io.synguard.json.Json;
import io.synguard.net.Prefix;
import io.synguard.policy.Policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;

/**
 * Decoding the body of a {@value #ENTRIES}-prefix bulk import, from the bytes the server read to the
 * validated prefixes, by the API's own path ({@link BulkImport#decode}: Jackson's parser, one
 * {@code RulePost} bound per entry, each validated and its prefix parsed). Beside it, in the same
 * run: the tokens alone (Jackson reading every token of the same bytes and binding nothing, the
 * floor of any JSON decoding), and {@link Prefix#parse} alone on the same prefixes as strings.
 * Milliseconds per body.
 */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Xms2g", "-Xmx2g"})
public class BulkDecodeBench extends SingleShotBench {
    static final int ENTRIES = 1_000_000;

    private byte[] body;
    private String[] texts;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        List<Prefix> prefixes = Blocklists.generate(ENTRIES, 7).prefixes();
        body = body(prefixes);
        texts = prefixes.stream().map(Prefix::toString).toArray(String[]::new);
        List<Policy.Request> decoded = decode();
        if (decoded.size() != ENTRIES || !decoded.get(ENTRIES - 1).prefix().equals(prefixes.get(ENTRIES - 1))) {
            throw new IllegalStateException("decoded " + decoded.size() + " entries of " + ENTRIES);
        }
        if (tokens() != 4L * ENTRIES + 2) { // [ ], and { "prefix" "..." } per entry
            throw new IllegalStateException("unexpected token count " + tokens());
        }
    }

    /** Each iteration starts from a collected heap: the decoded lists of earlier ones are garbage. */
    @Setup(Level.Iteration)
    public void collect() {
        System.gc();
    }

    @Benchmark
    public List<Policy.Request> decode() {
        return BulkImport.decode(body);
    }

    @Benchmark
    public long tokens() throws IOException {
        long n = 0;
        try (JsonParser parser = Json.mapper().createParser(body)) {
            while (parser.nextToken() != null) {
                n++;
            }
        }
        return n;
    }

    @Benchmark
    public Prefix[] parsePrefixes() {
        Prefix[] out = new Prefix[texts.length];
        for (int i = 0; i < texts.length; i++) {
            out[i] = Prefix.parse(texts[i]);
        }
        return out;
    }

    /** The body ControlplaneBench posts: [{"prefix":"a.b.c.d/n"},...]. */
    static byte[] body(List<Prefix> prefixes) {
        StringBuilder sb = new StringBuilder(prefixes.size() * 32).append('[');
        for (int i = 0; i < prefixes.size(); i++) {
            sb.append(i == 0 ? "" : ",").append("{\"prefix\":\"").append(prefixes.get(i)).append("\"}");
        }
        return sb.append(']').toString().getBytes(StandardCharsets.US_ASCII);
    }
}
