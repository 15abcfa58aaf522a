/**
 * Immutable request and response values of the Broker v1 API: validated identifiers ({@link
 * no.brokerclient.model.OrganizationNumber}, {@link no.brokerclient.model.ResourceId}), request builders that
 * check Broker's rules before any I/O, and records mirroring Broker's JSON.
 */
package no.brokerclient.model;
