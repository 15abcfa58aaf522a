package no.brokerclient.events;

/**
 * Receives Broker events. Webhook deliveries are answered with 2xx only after this returns; if it throws, the
 * delivery is answered 500 and Altinn redelivers (at-least-once: up to 12 attempts over about 35 hours). Altinn
 * waits at most 45 s for the answer, so enqueue slow work instead of doing it here. Must be thread-safe.
 */
@FunctionalInterface
public interface BrokerEventListener {
  /**
   * @param event the event
   * @throws Exception to have the delivery retried
   */
  void onEvent(BrokerEvent event) throws Exception;
}
