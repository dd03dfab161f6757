package dev.sluice.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.AbortCause;
import dev.sluice.core.AbortReason;
import dev.sluice.core.ClientDisconnectedException;
import dev.sluice.core.InvalidInputException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.EofException;
import org.junit.jupiter.api.Test;

class SlowClientExceptionTest {

  private static final String BODY = "request body of PUT /objects/k";

  @Test
  void badFramingIsInvalidInputNamingTheBodyAndJettysReason() {
    IOException e =
        SlowClientException.bodyFailed(
            BODY, 5, -1, new HttpException.RuntimeException(400, "Bad chunk char: z"));
    assertThat(e).isInstanceOf(InvalidInputException.class);
    assertThat(((AbortCause) e).reason()).isEqualTo(AbortReason.INVALID_INPUT);
    assertThat(e).hasMessage(BODY + " is malformed after 5 bytes: Bad chunk char: z");
  }

  @Test
  void anEarlyEndOfInputIsADisconnectSayingHowFarTheBodyGot() {
    for (Throwable failure :
        new Throwable[] {
          new HttpException.RuntimeException(400, "Early EOF"), new EofException("reset")
        }) {
      IOException e = SlowClientException.bodyFailed(BODY, 10, 100, failure);
      assertThat(e).isInstanceOf(ClientDisconnectedException.class);
      assertThat(e)
          .hasMessage(
              BODY
                  + " ended after 10 bytes of the 100 its Content-Length declared: the input ended"
                  + " (the client closed the connection)");
    }
  }

  @Test
  void anIdleTimeoutIsA408SayingNothingArrived() {
    IOException e = SlowClientException.bodyFailed(BODY, 10, 100, new TimeoutException("Idle"));
    assertThat(e).isInstanceOf(SlowClientException.class);
    assertThat(e.getMessage())
        .isEqualTo(
            BODY
                + " stopped after 10 bytes of the 100 its Content-Length declared: nothing arrived"
                + " for the idle timeout");
  }

  @Test
  void noMessageNamesAClass() {
    for (Throwable failure :
        new Throwable[] {
          new HttpException.RuntimeException(400),
          new EofException(),
          new TimeoutException(),
          new IOException()
        }) {
      assertThat(SlowClientException.bodyFailed(BODY, 0, -1, failure).getMessage())
          .doesNotContain("Exception")
          .doesNotContain("java.")
          .doesNotContain("org.eclipse");
    }
  }
}
