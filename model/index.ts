/** The reference models, one namespace per module. Pure bigint code: no EVM, no I/O. */
export * from './address.ts'
export * from './math.ts'
export * from './outcome.ts'
export * as erc20 from './erc20.ts'
export * as reserve from './reserve.ts'
export * as native from './native.ts'
export * as erc4626 from './erc4626.ts'
export * as cdp from './cdp.ts'
