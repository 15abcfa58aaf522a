package no.brokerclient.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import no.brokerclient.BrokerException;

/**
 * What a TUS upload needs to go on after a restart: the uploads' absolute paths (the single upload, or the parts in
 * creation order) with their file regions, the chunk size, and the source file's size and modification time (a
 * changed file is refused). Serialized as a small JSON document; holds no secret. Internal.
 *
 * @param fileTransferId the transfer
 * @param fileSize the source file's size
 * @param fileModified its modification time, in milliseconds since the epoch
 * @param chunkSize bytes per PATCH
 * @param partial whether the uploads are parts (joined by a final POST)
 * @param uploads the uploads in creation order
 */
public record TusCheckpoint(UUID fileTransferId, long fileSize, long fileModified, long chunkSize, boolean partial,
    List<Region> uploads) {
  /**
   * @param path the upload's absolute URL path
   * @param start its first byte in the file
   * @param length its length
   */
  public record Region(String path, long start, long length) {}

  /** @return the JSON document */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", 1);
    m.put("fileTransferId", fileTransferId.toString());
    m.put("fileSize", fileSize);
    m.put("fileModified", fileModified);
    m.put("chunkSize", chunkSize);
    m.put("partial", partial);
    List<Map<String, Object>> list = new ArrayList<>();
    for (Region r : uploads) {
      list.add(Map.of("path", r.path(), "start", r.start(), "length", r.length()));
    }
    m.put("uploads", list);
    return Json.write(m);
  }

  /**
   * @param json a document from {@link #toJson}
   * @return the checkpoint
   * @throws BrokerException when it is not a valid checkpoint
   */
  public static TusCheckpoint parse(String json) {
    try {
      JsonNode n = Json.tree(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
      if (n.path("version").asInt() != 1) {
        throw new IllegalArgumentException("unknown version " + n.path("version"));
      }
      List<Region> uploads = new ArrayList<>();
      long next = 0;
      for (JsonNode u : n.withArray("uploads")) {
        String path = u.path("path").asText("");
        long start = u.path("start").asLong(-1);
        long length = u.path("length").asLong(-1);
        if (!path.startsWith("/") || start != next || length < 0) {
          throw new IllegalArgumentException("upload regions must be absolute paths covering the file in order");
        }
        uploads.add(new Region(path, start, length));
        next = start + length;
      }
      long size = n.path("fileSize").asLong(-1);
      long chunk = n.path("chunkSize").asLong(0);
      if (uploads.isEmpty() || next != size || chunk < 1 || chunk >= TusUpload.CHUNK_LIMIT) {
        throw new IllegalArgumentException("regions, size and chunk size do not agree");
      }
      return new TusCheckpoint(UUID.fromString(n.path("fileTransferId").asText()), size,
          n.path("fileModified").asLong(), chunk, n.path("partial").asBoolean(), List.copyOf(uploads));
    } catch (IOException | RuntimeException e) {
      throw new BrokerException("not a valid TUS upload checkpoint: " + Text.clean(String.valueOf(e.getMessage()),
          200), e);
    }
  }
}
