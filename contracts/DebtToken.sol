// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "./lib/ERC20.sol";

/// @title DebtToken
/// @notice "Vault USD" stablecoin; its supply is exactly the debt outstanding in its minter vault.
contract DebtToken is ERC20 {
    error NotMinter(address caller, address minter);

    address internal immutable _minter;

    /// @dev The deployer (the CollateralDebtVault) becomes the sole minter.
    constructor() ERC20("Vault USD", "vUSD", 18) {
        _minter = msg.sender;
    }

    function minter() public view virtual returns (address) {
        return _minter;
    }

    function mint(address to, uint256 amount) external virtual {
        if (msg.sender != _minter) revert NotMinter(msg.sender, _minter);
        _mint(to, amount);
    }

    function burn(address from, uint256 amount) external virtual {
        if (msg.sender != _minter) revert NotMinter(msg.sender, _minter);
        _burn(from, amount);
    }
}
