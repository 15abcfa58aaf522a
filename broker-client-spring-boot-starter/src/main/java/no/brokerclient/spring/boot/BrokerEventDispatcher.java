package no.brokerclient.spring.boot;

import java.util.List;
import no.brokerclient.events.BrokerEvent;
import no.brokerclient.events.BrokerEventListener;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Hands each Broker event, from the webhook or the poller, to every {@link BrokerEventListener} bean in order and
 * then publishes it as a {@link BrokerEventReceived} application event. An exception from any of them propagates,
 * so a webhook delivery is retried by Altinn.
 */
public final class BrokerEventDispatcher {
  private final List<BrokerEventListener> listeners;
  private final ApplicationEventPublisher publisher;

  BrokerEventDispatcher(List<BrokerEventListener> listeners, ApplicationEventPublisher publisher) {
    this.listeners = List.copyOf(listeners);
    this.publisher = publisher;
  }

  /**
   * @param event the event
   * @throws Exception what a listener threw
   */
  public void dispatch(BrokerEvent event) throws Exception {
    for (BrokerEventListener l : listeners) {
      l.onEvent(event);
    }
    publisher.publishEvent(new BrokerEventReceived(event));
  }

  @Override
  public String toString() {
    return "BrokerEventDispatcher{" + listeners.size() + " listener bean(s)}";
  }
}
