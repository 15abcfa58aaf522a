package no.brokerclient.examples;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.access.AccessAction;
import no.brokerclient.access.AccessList;
import no.brokerclient.access.AltinnAccessClient;
import no.brokerclient.access.BrokerServiceResource;
import no.brokerclient.access.LocalizedText;
import no.brokerclient.access.Membership;
import no.brokerclient.access.Party;
import no.brokerclient.access.ResourceRegistry;
import no.brokerclient.model.ResourceSettingsUpdate;

/**
 * Step 3 for a service owner: creates (or updates) a Broker service resource in the Resource Registry with its
 * policy, configures it in Broker, then creates an access list with the sender and the recipient and connects it to
 * the resource. Safe to run again. On TT02 it also needs {@code BROKER_OWNER_ORG} and {@code BROKER_OWNER_CODE} (the
 * service owner's organisation number and Altinn org code), and the Maskinporten client needs the Resource Registry
 * scopes (from {@code tjenesteeier@altinn.no}).
 *
 * <pre>./mvnw -B -q -Pdemo verify -Ddemo.main=no.brokerclient.examples.OnboardResource</pre>
 */
public final class OnboardResource {
  /** The access list the example manages. */
  static final String LIST = "example-approved-parties";

  private OnboardResource() {}

  /**
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    try (ExampleEnvironment env = ExampleEnvironment.fromEnvironment()) {
      System.out.println("Onboarding against " + env.describe());
      run(env, System.out);
    }
  }

  static List<Membership> run(ExampleEnvironment env, PrintStream out) throws Exception {
    String resourceId = env.onboardResourceId();
    BrokerServiceResource resource = BrokerServiceResource.builder(resourceId, env.ownerOrg(), env.ownerCode())
        .title(LocalizedText.of("Eksempelfiler", "Eksempelfiler", "Example files"))
        .description(LocalizedText.of("Filer sendt med broker-client", "Filer sende med broker-client",
            "Files sent with broker-client"))
        .rightDescription(LocalizedText.of("Sende og motta filer", "Sende og ta imot filer", "Send and receive files"))
        .build();
    try (AltinnAccessClient access = env.access(env.serviceOwner());
        BrokerClient broker = env.broker(env.serviceOwner(), Role.SERVICE_OWNER).build()) {
      ResourceRegistry.Onboarding o = access.resources().onboardResource(resource, policy(resourceId), broker,
          "Example service owner", ResourceSettingsUpdate.builder().fileTransferTimeToLive(Duration.ofDays(7))
              .build());
      out.println("  resource " + resourceId + (o.resourceCreated() ? " created" : " updated") + ", policy uploaded,"
          + " configured in Broker" + (o.serviceOwnerRegistered() ? " (service owner registered)" : ""));
      AccessList list = access.accessLists().createOrUpdate(env.ownerCode(), LIST, "Example approved parties",
          "Senders and recipients of " + resourceId);
      access.accessLists().addMembers(env.ownerCode(), LIST, List.of(Party.organization(env.senderOrg()),
          Party.organization(env.recipientOrg())));
      access.accessLists().connect(env.ownerCode(), LIST, resourceId, EnumSet.allOf(AccessAction.class));
      List<Membership> members = access.accessLists().members(env.ownerCode(), LIST);
      out.println("  access list " + list.urn() + " connected (read, write, subscribe); members:");
      members.forEach(m -> out.println("    " + m.organizationNumber() + " (party " + m.partyUuid() + ")"));
      return members;
    }
  }

  static String policy(String resourceId) throws Exception {
    try (InputStream in = OnboardResource.class.getResourceAsStream("/broker-resource-policy.xml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{resourceId}", resourceId);
    }
  }
}
