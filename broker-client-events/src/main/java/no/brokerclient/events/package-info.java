/**
 * Altinn Events for Broker: build subscriptions that today's Events API accepts, manage them, receive the webhook
 * deliveries as typed {@link no.brokerclient.events.BrokerEvent}s, and poll Broker as a backstop for lost events.
 */
package no.brokerclient.events;
