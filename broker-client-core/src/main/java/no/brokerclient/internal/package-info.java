/** Implementation details. Not exported from the module; may change in any release. */
package no.brokerclient.internal;
