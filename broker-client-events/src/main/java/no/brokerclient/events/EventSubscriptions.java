package no.brokerclient.events;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import no.brokerclient.AltinnEnvironment;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.internal.Hosts;
import no.brokerclient.internal.SharedSecrets;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.model.ResourceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds Altinn Events subscription requests for a Broker resource that today's Events API accepts.
 *
 * <pre>{@code
 * List<SubscriptionRequest> requests = EventSubscriptions.builder()
 *     .environment(AltinnEnvironment.TT02)
 *     .resourceId("my-broker-resource")
 *     .subject(OrganizationNumber.of("991825827"))
 *     .endpoint("https://receiver.example.no/altinn/events")
 *     .webhookSecret(secret)
 *     .recipientEvents()
 *     .build();
 * }</pre>
 *
 * <h2>Rules it enforces</h2>
 * <ul>
 *   <li>The environment and the Broker resource are required; the {@code resourceFilter}
 *       {@code urn:altinn:resource:<id>} must be a lower-case URN, as the Events service checks ("Resource filter
 *       must be a valid urn").</li>
 *   <li>{@code subjectFilter} {@code urn:altinn:organization:identifier-no:<orgno>} is required unless you
 *       {@linkplain Builder#asServiceOwner() act as the resource's service owner}: without it Altinn's authorization
 *       denies the subscription.</li>
 *   <li>The endpoint must be absolute https (Events rejects anything else); {@code http://} is allowed only for
 *       loopback addresses, for local tests against a fake.</li>
 *   <li>Type filters: {@code typeFilter} takes one type, so each type becomes its own subscription. Choose a
 *       preset, explicit types, or {@link Builder#allTypes()}. With none, the build succeeds but logs a WARN: every
 *       event type will arrive. Types are lower-cased ({@code no.altinn.broker.Published} in Altinn's guide never
 *       matches; Broker sends {@code no.altinn.broker.published}).</li>
 *   <li>Source filter: the environment's Broker source ({@code {platform}/broker/api/v1/filetransfer}) is derived
 *       and any value you supply must be that environment's Broker source ({@code …/filetransfer}, or the older
 *       {@code …/file} the guide names). It is <b>not sent</b> unless you call {@link Builder#sendSourceFilter()}:
 *       today's Events service rejects it for Broker resources with 400 "Source filter is not supported for
 *       subscriptions on this resource." Opt in only for deployments that still follow the older docs.</li>
 * </ul>
 */
public final class EventSubscriptions {
  private static final Logger LOG = LoggerFactory.getLogger(EventSubscriptions.class);
  /** The Events service's URN rule, lower case only. */
  static final Pattern URN = Pattern.compile("^urn:[a-z0-9-]{1,30}(:[a-z0-9()+,.\\-;$_!/]{1,100}){1,10}$");

  private EventSubscriptions() {}

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @param platformUrl e.g. {@code https://platform.tt02.altinn.no}
   * @return the Broker event source for that platform: {@code <platform>/broker/api/v1/filetransfer}
   */
  public static String brokerSource(String platformUrl) {
    String p = platformUrl.endsWith("/") ? platformUrl.substring(0, platformUrl.length() - 1) : platformUrl;
    return p + "/broker/api/v1/filetransfer";
  }

  /** Builds subscription requests. Not thread-safe. */
  public static final class Builder {
    private String platformUrl;
    private String resourceId;
    private OrganizationNumber subject;
    private boolean serviceOwner;
    private String endpoint;
    private String secret;
    private final Set<EventType> types = new LinkedHashSet<>();
    private boolean allTypes;
    private String sourceFilter;
    private boolean sendSourceFilter;
    private Boolean includeSubunits;

    private Builder() {}

    /**
     * @param environment TT02 or PRODUCTION. Required (or {@link #platformUrl}).
     * @return this builder
     */
    public Builder environment(AltinnEnvironment environment) {
      this.platformUrl = environment.platformUrl();
      return this;
    }

    /**
     * @param url a custom platform URL (local fakes)
     * @return this builder
     */
    public Builder platformUrl(String url) {
      this.platformUrl = Objects.requireNonNull(url, "url");
      return this;
    }

    /**
     * @param resourceId the Broker resource, bare or {@code urn:altinn:resource:<id>}. Required.
     * @return this builder
     */
    public Builder resourceId(String resourceId) {
      this.resourceId = resourceId;
      return this;
    }

    /**
     * @param organization your organisation: events whose subject it is are delivered. Required unless {@link
     *     #asServiceOwner()}.
     * @return this builder
     */
    public Builder subject(OrganizationNumber organization) {
      this.subject = Objects.requireNonNull(organization, "organization");
      return this;
    }

    /**
     * Subscribes as the resource's service owner, who may omit the subject filter and receive events for every
     * party.
     *
     * @return this builder
     */
    public Builder asServiceOwner() {
      this.serviceOwner = true;
      return this;
    }

    /**
     * @param url absolute https URL of your webhook receiver ({@code http://} only on loopback). Required.
     * @return this builder
     */
    public Builder endpoint(String url) {
      this.endpoint = url;
      return this;
    }

    /**
     * @param secret an unguessable value added to the endpoint as {@code ?code=<secret>}; Altinn's deliveries
     *     are unsigned, so this is how {@link WebhookHandler} tells them from anyone else's. Never logged.
     * @return this builder
     */
    public Builder webhookSecret(String secret) {
      if (secret == null || secret.length() < 16) {
        throw new BrokerValidationException("webhookSecret", "use at least 16 random characters");
      }
      this.secret = secret;
      return this;
    }

    /**
     * Sender preset: {@link EventType#SENDER_PRESET} (six subscriptions).
     *
     * @return this builder
     */
    public Builder senderEvents() {
      types.addAll(EventType.SENDER_PRESET);
      return this;
    }

    /**
     * Recipient preset: {@link EventType#RECIPIENT_PRESET} ({@code published}).
     *
     * @return this builder
     */
    public Builder recipientEvents() {
      types.addAll(EventType.RECIPIENT_PRESET);
      return this;
    }

    /**
     * @param eventTypes types in any case; each becomes its own subscription
     * @return this builder
     */
    public Builder types(String... eventTypes) {
      for (String t : eventTypes) {
        EventType type = EventType.of(t);
        if (!type.isKnown()) {
          LOG.warn("Event type '{}' is not one Broker emits; the subscription will never receive anything", type);
        }
        types.add(type);
      }
      return this;
    }

    /**
     * @param eventTypes types; each becomes its own subscription
     * @return this builder
     */
    public Builder types(EventType... eventTypes) {
      types.addAll(List.of(eventTypes));
      return this;
    }

    /**
     * One subscription without a type filter: every event type arrives. Explicit, so the build does not warn.
     *
     * @return this builder
     */
    public Builder allTypes() {
      this.allTypes = true;
      return this;
    }

    /**
     * @param source a source filter; must be this environment's Broker source. It is only sent after {@link
     *     #sendSourceFilter()}.
     * @return this builder
     */
    public Builder sourceFilter(String source) {
      this.sourceFilter = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Sends the source filter (the one given, or the derived {@code {platform}/broker/api/v1/filetransfer}). Only
     * for deployments following Altinn's older docs: today's Events service answers 400 "Source filter is not
     * supported for subscriptions on this resource."
     *
     * @return this builder
     */
    public Builder sendSourceFilter() {
      this.sendSourceFilter = true;
      return this;
    }

    /**
     * @param include receive events for sub-units of the subject too (needs a subject)
     * @return this builder
     */
    public Builder includeSubunits(boolean include) {
      this.includeSubunits = include;
      return this;
    }

    /**
     * @return one request per type (one without a type filter for {@link #allTypes()} or when none was chosen)
     * @throws BrokerValidationException naming the first invalid setting
     */
    public List<SubscriptionRequest> build() {
      if (platformUrl == null) {
        throw new BrokerValidationException("environment", "environment(AltinnEnvironment) is required");
      }
      ResourceId rid = SharedSecrets.models().resourceId("resourceFilter", resourceId);
      String resourceFilter = rid.urn();
      if (!URN.matcher(resourceFilter).matches()) {
        throw new BrokerValidationException("resourceFilter", "'" + resourceFilter + "' is not a valid lower-case URN"
            + " (the Events service answers 400 \"Resource filter must be a valid urn\")");
      }
      if (subject == null && !serviceOwner) {
        throw new BrokerValidationException("subjectFilter", "subject(organization) is required unless you"
            + " subscribe as the resource's service owner (asServiceOwner()); Altinn denies it otherwise");
      }
      if (Boolean.TRUE.equals(includeSubunits) && subject == null) {
        throw new BrokerValidationException("includeSubunits", "requires subject(organization)");
      }
      String url = endpoint();
      String derived = brokerSource(platformUrl);
      if (sourceFilter != null && !sourceFilter.equals(derived) && !sourceFilter.equals(
          derived.substring(0, derived.length() - "transfer".length()))) {
        throw new BrokerValidationException("sourceFilter", "'" + sourceFilter + "' is not this environment's Broker"
            + " source; expected " + derived);
      }
      String source = sendSourceFilter ? (sourceFilter != null ? sourceFilter : derived) : null;
      if (allTypes && !types.isEmpty()) {
        throw new BrokerValidationException("typeFilter", "choose allTypes() or specific types, not both");
      }
      List<SubscriptionRequest> out = new ArrayList<>();
      String subjectFilter = subject == null ? null : subject.urn();
      if (types.isEmpty()) {
        if (!allTypes) {
          LOG.warn("No type filter for resource {}: every event type will arrive at {}; use senderEvents(),"
              + " recipientEvents(), types(...) or allTypes()", rid, Redaction.endpoint(url));
        }
        out.add(new SubscriptionRequest(url, resourceFilter, subjectFilter, null, source, includeSubunits));
      } else {
        for (EventType t : types) {
          out.add(new SubscriptionRequest(url, resourceFilter, subjectFilter, t.value(), source, includeSubunits));
        }
      }
      return List.copyOf(out);
    }

    private String endpoint() {
      if (endpoint == null) {
        throw new BrokerValidationException("endPoint", "endpoint(url) is required");
      }
      URI uri;
      try {
        uri = new URI(endpoint);
      } catch (URISyntaxException e) {
        throw new BrokerValidationException("endPoint", "not a URL: " + Redaction.endpoint(endpoint));
      }
      if (!uri.isAbsolute() || uri.getHost() == null) {
        throw new BrokerValidationException("endPoint", "must be an absolute URL, got " + Redaction.endpoint(endpoint));
      }
      boolean https = "https".equalsIgnoreCase(uri.getScheme());
      if (!https && !("http".equalsIgnoreCase(uri.getScheme()) && Hosts.isLoopback(uri.getHost()))) {
        throw new BrokerValidationException("endPoint", "must use https (the Events service answers 400 \"Missing or"
            + " invalid endpoint to push events towards\"); http is allowed only on loopback for local tests");
      }
      if (uri.getFragment() != null) {
        throw new BrokerValidationException("endPoint", "must not have a fragment");
      }
      if (secret == null) {
        return endpoint;
      }
      String code = "code=" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
      return endpoint + (uri.getRawQuery() == null ? "?" : "&") + code;
    }

  }
}
