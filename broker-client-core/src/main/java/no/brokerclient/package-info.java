/**
 * The Broker client: {@link no.brokerclient.BrokerClient}, its configuration ({@link
 * no.brokerclient.AltinnEnvironment}, {@link no.brokerclient.Role}, {@link no.brokerclient.RetryPolicy}) and the
 * unchecked exception tree rooted at {@link no.brokerclient.BrokerException}.
 *
 * <h2>The exception tree</h2>
 *
 * <pre>
 * BrokerException                          every SDK failure; unchecked
 * ├─ BrokerApiException                    Altinn answered with an error status: error() (status, BRO- code,
 * │  │                                     detail, traceId, validation errors, response headers)
 * │  ├─ BrokerBadRequestException          400: most BRO- codes (errorCode()), field validation errors
 * │  ├─ BrokerUnauthorizedException        401: token rejected, or BRO-00006 (no right to the resource)
 * │  ├─ BrokerAccessDeniedException        403: access not granted (Altinn's step 3)
 * │  ├─ BrokerNotFoundException            404
 * │  ├─ BrokerConflictException            409: e.g. BRO-00004, a transfer takes one upload
 * │  ├─ BrokerRateLimitedException         429 after retries; retryAfter()
 * │  ├─ BrokerServerException              5xx after retries
 * │  └─ BrokerRedirectException            3xx, never followed; location()
 * ├─ BrokerIOException                     the network failed after retries; requestMayHaveBeenSent()
 * │  └─ BrokerInvalidResponseException     a 2xx answer (or a value in it) the SDK cannot accept
 * ├─ BrokerValidationException             your input, before any network call; field()
 * ├─ ChecksumMismatchException, DownloadSizeException, UploadStalledException
 * ├─ FileTransferFailedException, BrokerTimeoutException      waiting for a status ended badly
 * ├─ ProgressListenerException, BrokerInterruptedException
 * └─ auth.AccessTokenException (auth.MaskinportenException)   no token could be obtained
 * </pre>
 *
 * <p>Catch the subclass you can act on and let the rest propagate. A status without a subclass (405, 413, 415,
 * 422, …) is a plain {@link no.brokerclient.BrokerApiException}; {@link no.brokerclient.BrokerApiException#error()}
 * always has the parsed answer. A server value the SDK cannot use (a file transfer id that is not a UUID, a date
 * that is not one, an organisation number that fails its check) is a {@link
 * no.brokerclient.BrokerInvalidResponseException}, never a raw {@link IllegalArgumentException}. Messages, {@code
 * toString()} and {@link no.brokerclient.ApiError#headers()} never contain tokens, subscription keys, cookies or
 * other secrets.
 *
 * <p>The SDK creates these exceptions; the constructors of the API-error subclasses are not public (one status
 * mapping decides the subclass, and a public constructor would be API forever). To see them in a test, let the
 * testkit's {@code FakeAltinn} answer with the status: {@code fake.failNext("POST", "/broker/api/v1/filetransfer",
 * Failure.status(400))} or {@code Failure.tooManyRequests("7")}.
 */
package no.brokerclient;
