// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { AILib } from "src/ai/AILib.sol";

/// @title DigitBounty
/// @notice A classifier-gated payout: the owner funds a bounty for handwritten images of one
///         digit, and anyone who submits an 8×8 image (64 int8 pixels, the digits model's
///         input, `fixtures/models/README.md`) that the on-chain model classifies as that digit
///         is paid once per account; each image counts once. The classification is the
///         `inference` precompile's, so it is part of the block a validator re-executes and,
///         when disputed, proven step by step in the VM.
contract DigitBounty {
    /// @notice The digits model's address (its model-DA blob key).
    bytes32 public immutable MODEL;
    /// @notice The digit the bounty wants.
    uint256 public immutable DIGIT;
    /// @notice The wei paid per accepted image.
    uint256 public immutable REWARD;

    /// @notice The images already paid for, by keccak-256.
    mapping(bytes32 => bool) public imageClaimed;
    /// @notice The accounts already paid.
    mapping(address => bool) public paid;

    /// @notice Emitted when `solver` is paid for the image `imageHash`.
    event BountyPaid(address indexed solver, bytes32 indexed imageHash, bytes logits);

    /// @notice Thrown when the model classifies the image as another digit.
    error NotTheDigit(uint256 classified, uint256 wanted);
    /// @notice Thrown when the image was already paid for.
    error ImageAlreadyClaimed(bytes32 imageHash);
    /// @notice Thrown when the account was already paid.
    error AlreadyPaid(address solver);
    /// @notice Thrown when the payment fails (or the bounty is spent).
    error PaymentFailed();

    /// @param _model The digits model's address.
    /// @param _digit The digit wanted (0 to 9).
    /// @param _reward The wei per accepted image; the bounty is `msg.value`.
    constructor(bytes32 _model, uint256 _digit, uint256 _reward) payable {
        MODEL = _model;
        DIGIT = _digit;
        REWARD = _reward;
    }

    /// @notice Submits `_image`; pays the caller if the model sees the wanted digit in it.
    function claim(bytes calldata _image) external {
        bytes32 imageHash = keccak256(_image);
        if (imageClaimed[imageHash]) revert ImageAlreadyClaimed(imageHash);
        if (paid[msg.sender]) revert AlreadyPaid(msg.sender);
        bytes memory logits = AILib.inference(MODEL, _image, 10);
        uint256 classified = AILib.argmaxInt8(logits);
        if (classified != DIGIT) revert NotTheDigit(classified, DIGIT);
        imageClaimed[imageHash] = true;
        paid[msg.sender] = true;
        emit BountyPaid(msg.sender, imageHash, logits);
        (bool ok,) = msg.sender.call{ value: REWARD }("");
        if (!ok) revert PaymentFailed();
    }
}
