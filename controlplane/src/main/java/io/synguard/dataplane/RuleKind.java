package io.synguard.dataplane;

/** Which list a rule belongs to; the allowlist always wins. */
public enum RuleKind {
    BLOCK(Abi.KIND_BLOCK),
    ALLOW(Abi.KIND_ALLOW);

    final int abi;

    RuleKind(int abi) {
        this.abi = abi;
    }
}
