/**
 * The Broker client: {@link no.brokerclient.BrokerClient}, its configuration ({@link
 * no.brokerclient.AltinnEnvironment}, {@link no.brokerclient.Role}, {@link no.brokerclient.RetryPolicy}) and the
 * unchecked exception tree rooted at {@link no.brokerclient.BrokerException}.
 */
package no.brokerclient;
