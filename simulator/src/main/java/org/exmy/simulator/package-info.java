/** Bit-exact reference model of minifloat and integer formats and MAC arithmetic. */
package org.exmy.simulator;
