/**
 * Immutable request and response values of the Broker v1 API: validated identifiers ({@link
 * no.brokerclient.model.OrganizationNumber}, {@link no.brokerclient.model.ResourceId}), request builders that
 * check Broker's rules before any I/O, and records mirroring Broker's JSON.
 *
 * <h2>How values evolve</h2>
 *
 * <ul>
 *   <li><b>Requests</b> ({@link no.brokerclient.model.FileTransferInitialize}, {@link
 *       no.brokerclient.model.FileTransferSearch}, {@link no.brokerclient.model.ResourceSettingsUpdate}, {@link
 *       no.brokerclient.model.MonthlyStatisticsRequest}) are final classes built only through their builders,
 *       which validate. A new Broker field becomes a new builder method; nothing breaks.</li>
 *   <li><b>Responses</b> ({@link no.brokerclient.model.FileTransferOverview}, {@link
 *       no.brokerclient.model.FileTransferDetails}, {@link no.brokerclient.model.RecipientStatus}, {@link
 *       no.brokerclient.model.ResourceSettings}, {@link no.brokerclient.model.ServiceOwner}, {@link
 *       no.brokerclient.model.UploadResult}, {@link no.brokerclient.model.DownloadResult}, and {@link
 *       no.brokerclient.ApiError}) are records the SDK creates and you read. Their accessors, {@code equals} and
 *       {@code toString} are the compatible API. A new Broker field becomes a new component <em>at the end</em>
 *       in a minor release, and the previous canonical constructor stays as an overload (deprecated for at least
 *       one minor release), so code that builds these values — tests, mostly — keeps compiling. Do not
 *       deconstruct them positionally (record patterns) if you want that guarantee; prefer accessors. To get
 *       realistic values in tests, let the testkit's {@code FakeAltinn} produce them over the wire.</li>
 *   <li><b>Expandable enumerations</b> ({@link no.brokerclient.model.FileTransferStatus}, {@link
 *       no.brokerclient.model.RecipientFileTransferStatus}) are classes, not enums, so a status Broker adds later
 *       reads as a value instead of failing; {@code switch} on them with a default branch.</li>
 * </ul>
 */
package no.brokerclient.model;
