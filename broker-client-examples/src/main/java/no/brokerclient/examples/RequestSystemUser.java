package no.brokerclient.examples;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.access.AltinnAccessClient;
import no.brokerclient.access.CustomerRequest;
import no.brokerclient.access.LocalizedText;
import no.brokerclient.access.SystemRegistration;
import no.brokerclient.access.SystemUser;
import no.brokerclient.access.SystemUserRequestResult;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;

/**
 * Step 3 for a vendor: registers the vendor's system with rights to the resource, asks the sender organisation
 * (the customer) to approve a system user, waits for the approval, and sends a file as that system user. With the
 * fake, the resource is onboarded first ({@link OnboardResource}) and the approval is simulated; on TT02 it prints
 * the URL the customer's manager opens, and waits up to {@code BROKER_APPROVAL_WAIT} (ISO-8601, default PT30M). On
 * TT02 it also needs {@code BROKER_VENDOR_ORG}, and the Maskinporten client needs the Authentication scopes (from
 * Digdir).
 *
 * <pre>./mvnw -B -q -Pdemo verify -Ddemo.main=no.brokerclient.examples.RequestSystemUser</pre>
 */
public final class RequestSystemUser {
  private RequestSystemUser() {}

  /**
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    try (ExampleEnvironment env = ExampleEnvironment.fromEnvironment()) {
      System.out.println("Requesting a system user against " + env.describe());
      if (env.isFake()) {
        OnboardResource.run(env, System.out);
      }
      run(env, System.out);
    }
  }

  static FileTransferOverview run(ExampleEnvironment env, PrintStream out) throws Exception {
    String resourceId = env.onboardResourceId();
    SystemRegistration system = SystemRegistration.builder(env.vendorOrg(), "broker-client-example")
        .name(LocalizedText.of("broker-client-eksempel", "broker-client-døme", "broker-client example"))
        .description(LocalizedText.of("Sender filer med Altinn Broker", "Sender filer med Altinn Broker",
            "Sends files with Altinn Broker"))
        .resource(resourceId)
        .clientId(env.vendorClientId())
        .build();
    try (AltinnAccessClient access = env.access(env.vendor())) {
      out.println("  system " + system.systemId() + ": " + access.systemUsers().registerSystem(system));
      String externalRef = "example-" + env.senderOrg().digits();
      SystemUserRequestResult asked = access.systemUsers().requestSystemUser(
          CustomerRequest.builder(system, env.senderOrg()).externalRef(externalRef).build());
      SystemUser su;
      if (asked.existing().isPresent()) {
        su = asked.existing().get();
        out.println("  " + env.senderOrg() + " approved a system user earlier: " + su.id());
      } else {
        out.println("  request " + asked.request().id() + " (" + asked.outcome() + "); the customer's manager opens:");
        out.println("    " + asked.confirmUrl().orElseThrow());
        if (env.isFake()) {
          env.fake().authentication().approve(asked.request().id());
          out.println("  (the fake's customer approved it)");
        }
        su = access.systemUsers().awaitApproval(asked.request(), env.approvalWait());
        out.println("  approved: system user " + su.id() + " with externalRef " + su.externalRef());
      }
      Path file = Files.createTempFile("broker-example-", ".txt");
      file.toFile().deleteOnExit();
      Files.writeString(file, "Sent by a system user of " + env.senderOrg(), StandardCharsets.UTF_8);
      try (BrokerClient sender = env.broker(su.tokens(env.vendor()), Role.SENDER).build()) {
        FileTransferOverview sent = sender.send(FileTransferInitialize.builder().resourceId(resourceId)
            .fileName("from-system-user.txt").sender(env.senderOrg()).recipient(env.recipientOrg()).build(), file);
        out.println("  sent file transfer " + sent.fileTransferId() + " as the system user");
        return sent;
      }
    }
  }
}
