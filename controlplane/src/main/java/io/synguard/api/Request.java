package io.synguard.api;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * A request as the endpoints see it.
 *
 * @param method     GET, POST, ...
 * @param path       the path, undecoded
 * @param parameters path parameters, decoded, in order
 * @param query      query parameters, decoded
 * @param body       the body, possibly empty
 * @param peer       who sent it
 * @param tokenId    a short, non-secret name of the token used, for the audit log
 */
public record Request(String method, String path, List<String> parameters, Map<String, List<String>> query,
                      byte[] body, InetSocketAddress peer, String tokenId) {
    String parameter(int i) {
        return parameters.get(i);
    }

    /** A query parameter, or fallback when absent. */
    String query(String name, String fallback) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? fallback : v.getFirst();
    }
}
