"""One doctor check per module: NAME, ORDER, REQUIRED, check(ctx) -> CheckResult."""
