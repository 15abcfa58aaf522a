/**
 * Access tokens for Altinn: the {@link no.brokerclient.auth.AccessTokenProvider} contract and the named scope
 * sets in {@link no.brokerclient.auth.AltinnScopes}.
 */
package no.brokerclient.auth;
