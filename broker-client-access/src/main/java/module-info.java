/**
 * broker-client access: step 3 of Broker onboarding in code. {@link no.brokerclient.access.AltinnAccessClient} gives
 * service owners the Resource Registry ({@link no.brokerclient.access.ResourceRegistry}: Broker service resources and
 * their policies; {@link no.brokerclient.access.AccessLists}: access lists, members and resource connections) and
 * gives vendors the Authentication system register and system-user requests ({@link
 * no.brokerclient.access.SystemUsers}).
 */
module no.brokerclient.access {
  requires transitive no.brokerclient.core;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports no.brokerclient.access;
}
