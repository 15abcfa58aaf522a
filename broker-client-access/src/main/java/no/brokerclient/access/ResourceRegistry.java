package no.brokerclient.access;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import no.brokerclient.ApiError;
import no.brokerclient.BrokerClient;
import no.brokerclient.BrokerConflictException;
import no.brokerclient.BrokerNotFoundException;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.internal.Json;
import no.brokerclient.model.ResourceSettingsUpdate;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.RequestBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker service resources in the Resource Registry ({@code /resourceregistry/api/v1/resource}). Service owners
 * only; the token's organisation must be the resource's {@code hasCompetentAuthority.organization}. Scope {@link
 * AccessScopes#RESOURCE_WRITE}. Get it from {@link AltinnAccessClient#resources()}.
 */
public final class ResourceRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ResourceRegistry.class);
  private static final Set<String> WRITE = Set.of(AccessScopes.RESOURCE_WRITE);
  private static final MediaType XML = MediaType.get("text/xml; charset=utf-8");
  /** Policies larger than this are refused locally; Broker's example policy is 5 KiB. */
  static final int MAX_POLICY_CHARS = 1024 * 1024;

  private final Rest rest;

  ResourceRegistry(Rest rest) {
    this.rest = rest;
  }

  /**
   * Reads a resource ({@code GET /resource/{id}}, anonymous on the server).
   *
   * @param resourceId the resource id
   * @return the resource, or empty when the registry does not have it
   */
  public Optional<RegisteredResource> get(String resourceId) {
    String id = resourceId(resourceId);
    try {
      Rest.Reply r = rest.send(Rest.call("GET", rest.url("resource", id).build(), WRITE, true, null));
      return Optional.of(r.as(RegisteredResource::fromWire));
    } catch (BrokerNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * Creates the resource, or replaces it when it exists: {@code PUT /resource/{id}}; on 404 {@code POST /resource};
   * if that races another creator (409), PUT again. Safe to repeat.
   *
   * @param resource the resource
   * @return true when it was created, false when an existing one was updated
   */
  public boolean createOrUpdate(BrokerServiceResource resource) {
    Objects.requireNonNull(resource, "resource");
    String body = Json.write(resource.toWire());
    Function<ApiError, String> hint = ResourceRegistry::writeHint;
    try {
      put(resource, body, hint);
      LOG.info("Resource {} updated in the Resource Registry", resource.identifier());
      return false;
    } catch (BrokerNotFoundException e) {
      try {
        // POST of the same body: repeating it after it may have arrived gives 409, which is handled below.
        rest.send(Rest.call("POST", rest.url("resource").build(), WRITE, true, body).hint(hint));
        LOG.info("Resource {} created in the Resource Registry", resource.identifier());
        return true;
      } catch (BrokerConflictException exists) {
        put(resource, body, hint);
        return false;
      }
    }
  }

  private void put(BrokerServiceResource resource, String body, Function<ApiError, String> hint) {
    rest.send(Rest.call("PUT", rest.url("resource", resource.identifier()).build(), WRITE, true, body).hint(hint));
  }

  /**
   * Uploads the resource's XACML 3.0 policy ({@code POST /resource/{id}/policy}, multipart part {@code policyFile});
   * it replaces the previous policy. For Broker it permits {@code read} (recipients), {@code write} (senders) and
   * {@code subscribe} (events).
   *
   * @param resourceId the resource (it must exist)
   * @param policyXml the policy document
   */
  public void uploadPolicy(String resourceId, String policyXml) {
    String id = resourceId(resourceId);
    if (policyXml == null || policyXml.isBlank() || !policyXml.contains("Policy")) {
      throw new BrokerValidationException("policyXml", "is not an XACML policy document");
    }
    if (policyXml.length() > MAX_POLICY_CHARS) {
      throw new BrokerValidationException("policyXml", "is larger than " + MAX_POLICY_CHARS + " characters");
    }
    byte[] xml = policyXml.getBytes(StandardCharsets.UTF_8);
    rest.send(Rest.call("POST", rest.url("resource", id, "policy").build(), WRITE, true, null)
        .body(() -> new MultipartBody.Builder().setType(MultipartBody.FORM)
            .addFormDataPart("policyFile", "policy.xml", RequestBody.create(xml, XML)).build(), true)
        .hint(ResourceRegistry::writeHint));
    LOG.info("Policy of resource {} uploaded", id);
  }

  /**
   * Everything a service owner does to put a Broker service resource into use, safe to rerun: {@link
   * #createOrUpdate}, {@link #uploadPolicy}, registers the organisation as a Broker service owner when Broker does not
   * know it yet, and configures the resource in Broker ({@link
   * no.brokerclient.ServiceOwnerOperations#updateResource}, which also imports it from the Resource Registry). Access
   * lists come next: {@link AccessLists}.
   *
   * @param resource the resource
   * @param policyXml its XACML policy
   * @param broker a {@link BrokerClient} with the service-owner role, for the same organisation
   * @param serviceOwnerName the name to register in Broker, if it must be registered
   * @param settings the Broker settings for the resource (time to live, purge, size)
   * @return what was done
   */
  public Onboarding onboardResource(BrokerServiceResource resource, String policyXml, BrokerClient broker,
      String serviceOwnerName, ResourceSettingsUpdate settings) {
    Objects.requireNonNull(broker, "broker");
    Objects.requireNonNull(settings, "settings");
    if (serviceOwnerName == null || serviceOwnerName.isBlank()) {
      throw new BrokerValidationException("serviceOwnerName", "is blank");
    }
    boolean created = createOrUpdate(resource);
    uploadPolicy(resource.identifier(), policyXml);
    boolean registered = false;
    try {
      broker.serviceOwner().getServiceOwner();
    } catch (BrokerNotFoundException e) {
      try {
        broker.serviceOwner().registerServiceOwner(serviceOwnerName);
        registered = true;
      } catch (BrokerConflictException raced) {
        // registered meanwhile: fine
      }
    }
    broker.serviceOwner().updateResource(resource.identifier(), settings);
    LOG.info("Resource {} configured in Broker", resource.identifier());
    return new Onboarding(resource.identifier(), created, registered);
  }

  /**
   * What {@link #onboardResource} did.
   *
   * @param resourceId the resource
   * @param resourceCreated whether the resource was new in the Resource Registry (else updated)
   * @param serviceOwnerRegistered whether the organisation was registered as a Broker service owner now
   */
  public record Onboarding(String resourceId, boolean resourceCreated, boolean serviceOwnerRegistered) {}

  static String resourceId(String id) {
    if (id == null || !id.matches("[a-z0-9_-]{4,}")) {
      throw new BrokerValidationException("resourceId", "must match ^[a-z0-9_-]{4,}$ (the bare id, without"
          + " urn:altinn:resource:), got '" + id + "'");
    }
    return id;
  }

  private static String writeHint(ApiError e) {
    if (e.status() == 403) {
      return "The token needs scope " + AccessScopes.RESOURCE_WRITE + " and must belong to the organisation in"
          + " hasCompetentAuthority.organization (Altinn grants the scope through tjenesteeier@altinn.no)";
    }
    return null;
  }
}
