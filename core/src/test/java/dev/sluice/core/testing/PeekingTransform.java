package dev.sluice.core.testing;

import dev.sluice.core.ForwardingSink;
import dev.sluice.core.Transform;
import dev.sluice.core.Transforms;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A pass-through transform that runs an action on each chunk before passing it on. */
public final class PeekingTransform {

  /** What to do with each chunk (its bytes must be left as they are). */
  @FunctionalInterface
  public interface Action {
    void accept(ByteBuffer chunk) throws IOException;
  }

  private PeekingTransform() {}

  /** A transform named {@code name} that runs {@code action} on every chunk, then passes it on. */
  public static Transform of(String name, Action action) {
    return Transforms.named(
        name,
        downstream ->
            new ForwardingSink(downstream) {
              @Override
              public void write(ByteBuffer chunk) throws IOException {
                action.accept(chunk);
                super.write(chunk);
              }

              @Override
              protected String name() {
                return name;
              }
            });
  }
}
