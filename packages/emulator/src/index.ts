/**
 * @since 0.1.0
 */
export * as Emulator from "./Emulator.js"
/**
 * @since 0.1.0
 */
export * as EmulatorControl from "./EmulatorControl.js"
/**
 * @since 0.1.0
 */
export * as Fault from "./Fault.js"
/**
 * @since 0.1.0
 */
export * as Seed from "./Seed.js"
