/**
 * The guards of the patches that copy ethereumjs code: the hashes of the ethereumjs source text that
 * was reviewed, and the reviewed @ethereumjs/evm release. A patch whose guard fails is not installed.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

/** sha256 (first 16 hex) of the source text of the 10.1.3 methods patch 3 replaces or relies on. */
export const SOURCE_HASHES: Record<string, string> = {
  run: '8e769d9b5ec21205',
  runStep: 'cc2ccda2341c2f42',
  useGas: '2362d4d43a082739',
  'gas:0x51': '160c132911371eb2',
  'gas:0x52': '6ad9393e3de696fe',
  'gas:0x53': '50702563129d262a',
  'op:0x52': '29edc93190b4e005',
  'gas:0x20': '5842e8c742c7782c',
  'gas:0x37': 'c1c4be957f61e467',
  'gas:0xf3': '78f2f17fb10abd8e',
  'gas:0xfd': '78f2f17fb10abd8e',
  'gas:0xa0': 'de048fe2e93ad689',
  'gas:0xa1': 'de048fe2e93ad689',
  'gas:0xa2': 'de048fe2e93ad689',
  'gas:0xa3': 'de048fe2e93ad689',
  'gas:0xa4': 'de048fe2e93ad689',
  'op:0x20': '5ec46a4fd5dac211',
  runInterpreter: '1f4905264075376d',
  executeCall: 'f2358d2eeecc46e1',
  'gas:0x54': 'bcc3d658b9e4417b',
  'op:0x54': 'f0aad8fd616a7024',
  isWarmedStorage: '52bfcecd810efc2b',
  addWarmedStorage: '4025a2e5951e6487',
  storageLoad: 'b214ad54b3e98264',
  'gas:0x55': 'b51063daf05d5f11',
  'op:0x55': '707207ab1d17a826',
  storageStore: 'a9c09252524190c3',
  refundGas: '00601ac0a27b7bdc',
  subRefund: '1aa67976a364cf40',
  isStatic: 'f127ff372c0f8f9a',
  getGasLeft: 'baa17b69379ca0f1',
  originalStorageGet: 'fb3b7b86ed073928',
  originalStoragePut: '017a8e80ac4c68c4',
  getAddress: '02483f1e9c6cd7e1',
  getValidJumpDestinations: 'a30ec99e04e322ec',
  // @ethereumjs/common 10.1.3's Common methods patch 2 memoises or resets around.
  isActivatedEIP: '931ac8a66349e377',
  gteHardfork: '01ccd355cf4187ec',
  consensusType: 'c90410e95dcae393',
  param: 'e3cd1ddbd917525a',
  setHardfork: '89a3cf591bda9cdc',
  setHardforkBy: 'c7fe8c2083817c46',
  setEIPs: '89227e1496cc0856',
  updateParams: 'cf44ea2d2f5baab0',
  resetParams: '046d6fdee479299b',
}
export const hash16 = (f: unknown) => createHash('sha256').update(String(f)).digest('hex').slice(0, 16)

/**
 * SSTORE's gas handler calls updateSstoreGasEIP2200 and adjustSstoreGasEIP2929, which the package
 * does not export (so their source cannot be hashed): the SSTORE path also requires the reviewed
 * @ethereumjs/evm release.
 */
/** The installed @ethereumjs/evm release, named in the warning when a guard fails. */
export const EVM_VERSION = (() => {
  const require = createRequire(import.meta.url)
  for (let dir = path.dirname(require.resolve('@ethereumjs/evm')); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json')
    if (!fs.existsSync(file)) continue
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string }
    if (pkg.name === '@ethereumjs/evm') return pkg.version ?? 'unknown'
  }
  return 'unknown'
})()

export const EVM_VERSION_REVIEWED = EVM_VERSION === '10.1.3'
