package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.testing.TransformContract;

/** A rate limit passes every byte on unchanged (functional checks; the rate is set high). */
class RateLimitTransformTest extends TransformContract {

  @Override
  protected Transform transform() {
    return Transforms.rate(1L << 30);
  }

  @Override
  protected void assertTransformed(byte[] input, byte[] output) {
    assertThat(output).isEqualTo(input);
  }
}
