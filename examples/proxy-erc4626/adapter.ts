/**
 * The erc4626 kind, unchanged, on a vault that lives behind a proxy: only the deployment differs.
 */
import { defineAdapter } from 'vaultcheck'

export default defineAdapter({
  kind: 'erc4626',
  async deployVault(c, [asset]) {
    const implementation = await c.deployTarget()
    return c.deploy('ERC1967Proxy', [implementation, c.encode('UpgradeableVault', 'initialize', [asset])])
  },
})
