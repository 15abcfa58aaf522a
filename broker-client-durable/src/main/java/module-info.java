/**
 * broker-client durable: an {@link no.brokerclient.durable.Inbox} and an {@link no.brokerclient.durable.Outbox}
 * whose state lives in a database through {@link no.brokerclient.durable.DurableStore} (PostgreSQL in production,
 * embedded H2 by default), so transfers survive crashes and several instances share the work.
 */
module no.brokerclient.durable {
  requires transitive no.brokerclient.core;
  requires transitive no.brokerclient.events;
  requires transitive java.sql;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports no.brokerclient.durable;
}
