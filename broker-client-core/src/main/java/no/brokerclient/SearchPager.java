package no.brokerclient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferSearch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BrokerClient#searchAll}: pages past Broker's 100-result cap by searching oldest first and moving {@code
 * from} to the timestamp of each full page's last id (read with one overview), dropping ids repeated at the page
 * boundary. Lazy; one instance per stream, not thread-safe.
 */
final class SearchPager implements Iterator<UUID> {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerClient.class);

  private final FileTransferSearch base;
  private final Function<FileTransferSearch, List<UUID>> search;
  private final Function<UUID, FileTransferOverview> overview;
  private Instant from;
  private Set<UUID> previousPage = Set.of();
  private Iterator<UUID> current = Collections.emptyIterator();
  private boolean lastPage;
  private boolean exactBoundary;

  private SearchPager(FileTransferSearch base, Function<FileTransferSearch, List<UUID>> search,
      Function<UUID, FileTransferOverview> overview) {
    this.base = base;
    this.search = search;
    this.overview = overview;
    this.from = base.from();
  }

  /**
   * @param search the filters, {@code orderAscending} unset or true (it is set)
   * @param searcher one search call
   * @param overview one overview call
   * @return a lazy stream of distinct ids, oldest first
   */
  static Stream<UUID> stream(FileTransferSearch search, Function<FileTransferSearch, List<UUID>> searcher,
      Function<UUID, FileTransferOverview> overview) {
    Iterator<UUID> it = new SearchPager(search.toBuilder().orderAscending(true).build(), searcher, overview);
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.DISTINCT
        | Spliterator.NONNULL), false);
  }

  @Override
  public boolean hasNext() {
    while (!current.hasNext() && !lastPage) {
      fetch();
    }
    return current.hasNext();
  }

  @Override
  public UUID next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.next();
  }

  private void fetch() {
    FileTransferSearch.Builder b = base.toBuilder();
    if (from != null) {
      b.from(from);
    }
    List<UUID> page = search.apply(b.build());
    List<UUID> fresh = new ArrayList<>();
    for (UUID id : page) {
      if (!previousPage.contains(id)) {
        fresh.add(id);
      }
    }
    if (page.size() < FileTransferSearch.MAX_RESULTS) {
      lastPage = true;
    } else {
      FileTransferOverview lastOverview = overview.apply(page.get(page.size() - 1));
      Instant ts = base.status() != null ? lastOverview.fileTransferStatusChanged() : lastOverview.created();
      if (fresh.isEmpty()) {
        if (exactBoundary) {
          LOG.warn("searchAll: more than {} transfers share the timestamp {}; some may be skipped",
              FileTransferSearch.MAX_RESULTS, ts);
          lastPage = true;
        }
        exactBoundary = true;
        from = ts;
      } else {
        exactBoundary = false;
        // One microsecond earlier (Broker's precision) so transfers sharing the boundary timestamp are not lost.
        from = ts.minusNanos(1000);
      }
    }
    previousPage = new HashSet<>(page);
    current = fresh.iterator();
  }
}
