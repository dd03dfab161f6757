package dev.sluice.coord;

import dev.sluice.core.testing.ModuleArchitectureContract;

/** The architecture rules of {@link dev.sluice.core.testing.ArchitectureRules} on this module. */
class ArchitectureTest extends ModuleArchitectureContract {}
