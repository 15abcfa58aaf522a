package no.brokerclient.spring.boot;

import no.brokerclient.events.BrokerEvent;

/**
 * Published as a Spring application event for every Broker event that reaches the application (webhook or poll,
 * duplicates removed). Listen with {@code @EventListener void on(BrokerEventReceived e)}. Listeners run on the
 * delivering thread: if one throws, a webhook delivery is answered 500 and Altinn redelivers. Altinn waits at most
 * 45 s, so enqueue slow work.
 *
 * @param event the event
 */
public record BrokerEventReceived(BrokerEvent event) {}
