package no.brokerclient.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.nimbusds.jose.jwk.RSAKey;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import no.brokerclient.BrokerClient;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.events.BrokerEvent;
import no.brokerclient.events.BrokerEventListener;
import no.brokerclient.events.EventsClient;
import no.brokerclient.events.WebhookHandler;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.micrometer.MicrometerTelemetry;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.spring.boot.test.EnableFakeAltinn;
import no.brokerclient.testing.CapturedLogs;
import no.brokerclient.testkit.FakeAltinn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

/**
 * A real application on a random port with Tomcat and actuator: the subscription is ensured once the server
 * answers, FakeAltinn validates it and delivers a published event over HTTP to the auto-registered servlet, and
 * the event reaches both a listener bean and an {@code @EventListener}. Health, and secrets nowhere.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "broker.roles=recipient",
    "broker.system-user.organization=986252932",
    "broker.registrations.sender.roles=sender",
    "broker.registrations.sender.system-user.organization=991825827",
    "broker.subscription-key=sub-key-must-never-be-logged",
    "broker.events.webhook.secret=webhook-secret-never-logged",
    "broker.events.subscriptions[0].resource-id=starter-resource",
    "broker.events.poller.initial-delay=1h",
    "management.endpoints.web.exposure.include=health,configprops,env",
    "management.endpoint.health.show-details=always"})
@EnableFakeAltinn(resources = "starter-resource")
class WebhookEndToEndTest {
  static final String WEBHOOK_SECRET = "webhook-secret-never-logged";
  static final String SUBSCRIPTION_KEY = "sub-key-must-never-be-logged";
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @Autowired FakeAltinn altinn;
  @Autowired BrokerClients clients;
  @Autowired BrokerStatus status;
  @Autowired Received received;
  @Autowired Environment environment;
  @Autowired MeterRegistry meters;
  @Autowired ApplicationContext context;
  @Value("${local.server.port}") int port;

  @Test
  void aPublishedEventArrivesByWebhookAtTheListenerBeanAndTheEventListener(@TempDir Path dir) throws Exception {
    awaitValidated();
    Path file = Files.writeString(dir.resolve("hello.txt"), "hello from the starter");
    FileTransferOverview sent = clients.get("sender").send(FileTransferInitialize.builder()
        .resourceId("starter-resource").fileName("hello.txt").sender("991825827").recipient("986252932").build(),
        file);

    BrokerEvent byBean = received.beans.poll(60, TimeUnit.SECONDS);
    BrokerEvent byEvent = received.events.poll(60, TimeUnit.SECONDS);
    assertThat(byBean).isNotNull();
    assertThat(byBean.fileTransferId()).isEqualTo(sent.fileTransferId());
    assertThat(byBean.origin()).isEqualTo(BrokerEvent.Origin.WEBHOOK);
    assertThat(byEvent).isEqualTo(byBean);
    // The fake records a delivery once our answer is back, just after the listener ran.
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      while (altinn.deliveries().stream().noneMatch(d -> sent.fileTransferId().toString().equals(d.fileTransferId())
          && d.status() == 200)) {
        Thread.sleep(20);
      }
    });
    assertThat(CapturedLogs.lines()).anyMatch(l -> l.contains("Altinn Events subscription")
        && l.contains("created") && l.contains("urn:altinn:resource:starter-resource"));

    // Actuator's MeterRegistry and ObservationRegistry: the sending client, the Events client and the webhook report.
    assertThat(context.getBeansOfType(MicrometerTelemetry.class)).hasSize(1);
    assertThat(context.containsBean("brokerObservationCustomizer")).isTrue();
    assertThat(meters.find(MicrometerTelemetry.HTTP_REQUESTS).timers()).map(t -> t.getId().getTag("operation"))
        .contains("createSubscription").containsAnyOf("upload", "initializeAndUpload");
    assertThat(meters.find(MicrometerTelemetry.TRANSFERS).tag("direction", "upload").timers()).isNotEmpty();
    assertThat(meters.find(MicrometerTelemetry.WEBHOOK_DELIVERIES).tag("outcome", "ok").counter()).isNotNull()
        .satisfies(c -> assertThat(c.count()).isPositive());
  }

  @Test
  void healthShowsTokenAndValidatedSubscriptions() throws Exception {
    awaitValidated();
    HttpResponse<String> r = get("/actuator/health/broker");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"status\":\"UP\"", "\"token\":\"obtainable\"", "\"subscriptions\":\"validated\"");
  }

  @Test
  void theWebhookRejectsAWrongSecret() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
        + "/altinn/events?code=wrong")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void secretsAppearNowhere(@Autowired BrokerClient client, @Autowired Maskinporten maskinporten,
      @Autowired EventsClient events, @Autowired WebhookHandler webhook, @Autowired BrokerProperties properties)
      throws Exception {
    awaitValidated();
    String jwk = environment.getProperty("broker.maskinporten.jwk");
    String privateExponent = RSAKey.parse(jwk).getPrivateExponent().toString();
    List<String> secrets = List.of(WEBHOOK_SECRET, SUBSCRIPTION_KEY, privateExponent);
    StringBuilder seen = new StringBuilder();
    for (Object o : List.of(client, maskinporten, events, webhook, properties, clients, status)) {
      seen.append(o).append('\n');
    }
    seen.append(get("/actuator/configprops").body()).append(get("/actuator/env").body())
        .append(get("/actuator/health").body());
    // Every logger at TRACE, except the test framework's own, which prints the test's inlined properties.
    CapturedLogs.lines().stream().filter(l -> !l.matches("\\w+ org\\.springframework\\.test\\..*"))
        .forEach(l -> seen.append(l).append('\n'));
    for (String s : secrets) {
      int at = seen.indexOf(s);
      assertThat(at).as(() -> "secret found in: " + seen.substring(Math.max(0, at - 300), at)).isEqualTo(-1);
    }
    assertThat(seen.toString()).contains("Altinn Events subscription"); // the scan did read the logs
  }

  void awaitValidated() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      while (status.subscriptions() != BrokerStatus.Subscriptions.VALIDATED) {
        assertThat(status.subscriptions()).as(status.subscriptionDetail()).isNotEqualTo(
            BrokerStatus.Subscriptions.FAILED);
        assertThat(altinn.deliveries()).noneMatch(d -> d.status() != 200);
        Thread.sleep(50);
      }
    });
  }

  HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Collects what the application receives. */
  static final class Received {
    final BlockingQueue<BrokerEvent> beans = new LinkedBlockingQueue<>();
    final BlockingQueue<BrokerEvent> events = new LinkedBlockingQueue<>();

    @EventListener
    void on(BrokerEventReceived e) {
      events.add(e.event());
    }
  }

  @SpringBootApplication
  static class App {
    @Bean
    Received received() {
      return new Received();
    }

    @Bean
    BrokerEventListener collectingListener(Received received) {
      return received.beans::add;
    }
  }
}
