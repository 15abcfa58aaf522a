package no.brokerclient.durable;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import no.brokerclient.ProgressListener;

/** Told when the inbox or outbox passes a point in its work; the crash tests kill the process there. */
interface StepHook {
  StepHook NONE = (step, id) -> { };

  void at(Enum<?> step, UUID id);

  /** @return a progress listener telling this hook once, when half the bytes have moved */
  default ProgressListener halfway(Enum<?> step, UUID id) {
    AtomicBoolean told = new AtomicBoolean();
    return (done, total) -> {
      if (total > 0 && done >= total / 2 && done < total && told.compareAndSet(false, true)) {
        at(step, id);
      }
    };
  }
}
