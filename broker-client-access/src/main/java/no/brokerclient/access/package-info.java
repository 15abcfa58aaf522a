/**
 * Resource Registry and Authentication clients for Broker's step 3 ("get access to a specific resource"): the wire
 * contract is Altinn's server code, not its prose docs, where they differ (field {@code externalRef}, scope names,
 * statuses). Start at {@link no.brokerclient.access.AltinnAccessClient}.
 */
package no.brokerclient.access;
