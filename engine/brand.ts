/** Marks what defineKind and defineAdapter return: a registry symbol, so every copy of the package recognises it. */
export const KIND_BRAND = Symbol.for('vaultcheck.kind')
