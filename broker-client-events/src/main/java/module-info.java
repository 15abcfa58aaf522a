/**
 * broker-client events: Altinn Events subscriptions for Broker ({@link no.brokerclient.events.EventSubscriptions},
 * {@link no.brokerclient.events.EventsClient}), the webhook receiver ({@link no.brokerclient.events.WebhookHandler})
 * and the polling backstop ({@link no.brokerclient.events.BrokerEventPoller}).
 */
module no.brokerclient.events {
  requires transitive no.brokerclient.core;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires java.logging;
  requires transitive jdk.httpserver;

  exports no.brokerclient.events;

  opens no.brokerclient.events to com.fasterxml.jackson.databind;
}
