package org.gse.index;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene103.Lucene103Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.VectorUtil;
import org.gse.model.Embedding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent sticker index on disk: one Lucene document per distinct sticker content, searchable by embedding
 * through Lucene's HNSW graph or by an exact scan.
 *
 * <p>Layout. Each document has a {@link KnnFloatVectorField} {@value #FIELD_EMBEDDING} with
 * {@link VectorSimilarityFunction#DOT_PRODUCT}, which equals cosine because every stored embedding is checked to
 * be a unit vector; the stored fields {@value #FIELD_SHA256} (also indexed as the key), {@value #FIELD_PATH},
 * {@value #FIELD_FORMAT}, {@value #FIELD_LABELS} (repeated) and {@value #FIELD_FRAMES}. Adding a sticker whose
 * sha256 is already present replaces that document ({@link IndexWriter#updateDocument}), so content is stored once.
 *
 * <p>HNSW (Malkov and Yashunin, 2018, "Efficient and robust approximate nearest neighbor search using
 * Hierarchical Navigable Small World graphs"). Lucene's {@code maxConn} is the paper's M, the neighbours kept
 * per node on upper layers (layer 0 keeps 2M), here {@value #MAX_CONN}; {@code beamWidth} is the paper's
 * efConstruction, the candidate list size while inserting, here {@value #BEAM_WIDTH}. Both are Lucene 10's
 * defaults. At query time the candidate list size (the paper's ef) is {@code max(k, candidates)}.
 *
 * <p>Durability. Every {@link #add} and {@link #remove} ends in one {@link IndexWriter#commit}. Lucene writes the
 * new segment files first and then publishes them by writing and syncing a new {@code segments_N} file, so a
 * process that dies during an add leaves the previous commit as the latest readable one; the next writer deletes
 * the unreferenced partial files.
 *
 * <p>Model. The commit user data records {@value #MODEL_ID_KEY} and {@value #EMBEDDING_SIZE_KEY}. Opening an
 * existing index with another model id or size fails, because vectors from two models are not comparable.
 *
 * <p>Not thread-safe for writes; searches may run from several threads between writes.
 */
public final class StickerIndex implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(StickerIndex.class);

    public static final String FIELD_EMBEDDING = "embedding";
    public static final String FIELD_SHA256 = "sha256";
    public static final String FIELD_PATH = "path";
    public static final String FIELD_FORMAT = "format";
    public static final String FIELD_LABELS = "labels";
    public static final String FIELD_FRAMES = "frames";

    public static final String MODEL_ID_KEY = "gse.model_id";
    public static final String EMBEDDING_SIZE_KEY = "gse.embedding_size";
    public static final String SIMILARITY_KEY = "gse.similarity";

    /** HNSW M: neighbours per node on the upper layers (2M on layer 0). */
    public static final int MAX_CONN = Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN;
    /** HNSW efConstruction: candidates considered when inserting a vector. */
    public static final int BEAM_WIDTH = Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH;
    /** Default HNSW ef at query time, raised to k when k is larger. */
    public static final int DEFAULT_CANDIDATES = 100;

    /** Documents between two progress log lines within one large add. */
    private static final int LOG_EVERY = 50_000;

    /** Largest allowed distance of a stored embedding's L2 norm from 1. */
    static final double UNIT_NORM_TOLERANCE = 1e-3;

    private static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;

    private final Path folder;
    private final Directory directory;
    private final IndexWriter writer;
    private final String modelId;
    private final int embeddingSize;
    private DirectoryReader reader;
    private IndexSearcher searcher;

    private StickerIndex(Path folder, Directory directory, IndexWriter writer, DirectoryReader reader,
            String modelId, int embeddingSize) {
        this.folder = folder;
        this.directory = directory;
        this.writer = writer;
        this.reader = reader;
        this.searcher = new IndexSearcher(reader);
        this.modelId = modelId;
        this.embeddingSize = embeddingSize;
    }

    /** Opens the index in {@code folder} for adding and removing, creating it when the folder contains none. */
    public static StickerIndex openForWriting(Path folder, String modelId, int embeddingSize) throws IOException {
        return openForWriting(folder, modelId, embeddingSize, IndexWriterConfig.DEFAULT_RAM_BUFFER_SIZE_MB);
    }

    /**
     * Opens the index in {@code folder} for adding and removing, creating it when the folder contains none.
     *
     * @param ramBufferMb memory Lucene fills with new documents before it writes a segment, in MiB; larger
     *     buffers make fewer, larger segments and so fewer HNSW graphs to search
     * @throws IllegalArgumentException when the index was built with another model or embedding size
     * @throws IOException when the folder cannot be read or another process is writing to it
     */
    public static StickerIndex openForWriting(Path folder, String modelId, int embeddingSize, double ramBufferMb)
            throws IOException {
        if (embeddingSize < 1 || embeddingSize > KnnVectorsFormat.DEFAULT_MAX_DIMENSIONS) {
            throw new IllegalArgumentException("embedding size must be 1 to " + KnnVectorsFormat.DEFAULT_MAX_DIMENSIONS
                    + ", got " + embeddingSize);
        }
        Files.createDirectories(folder);
        Directory directory = FSDirectory.open(folder);
        IndexWriter writer = null;
        try {
            boolean exists = DirectoryReader.indexExists(directory);
            if (exists) {
                checkModel(folder, readUserData(directory), modelId, embeddingSize);
            }

            IndexWriterConfig config = new IndexWriterConfig()
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setRAMBufferSizeMB(ramBufferMb)
                    .setCodec(hnswCodec());
            try {
                writer = new IndexWriter(directory, config);
            } catch (LockObtainFailedException e) {
                throw new IOException("index " + folder + " is open for writing by another process; wait for it"
                        + " to finish or stop it", e);
            }
            if (!exists) {
                writer.setLiveCommitData(userData(modelId, embeddingSize).entrySet());
                writer.commit();
                log.info("Created index {} for model {} ({} dimensions)", folder, modelId, embeddingSize);
            }
            DirectoryReader reader = DirectoryReader.open(writer);
            log.debug("Opened index {} for writing: {} stickers", folder, reader.numDocs());
            return new StickerIndex(folder, directory, writer, reader, modelId, embeddingSize);
        } catch (IOException | RuntimeException e) {
            if (writer != null) {
                writer.rollback();
            }
            directory.close();
            throw e;
        }
    }

    /** Opens an existing index for searching only; several readers may run beside one writer. */
    public static StickerIndex openForReading(Path folder) throws IOException {
        Directory directory = FSDirectory.open(requireIndexFolder(folder));
        try {
            if (!DirectoryReader.indexExists(directory)) {
                throw new IOException("no index found in " + folder + "; create one with 'gse index add --index "
                        + folder + " FILE...'");
            }
            DirectoryReader reader = DirectoryReader.open(directory);
            Map<String, String> data = reader.getIndexCommit().getUserData();
            return new StickerIndex(folder, directory, null, reader, requireModelId(folder, data),
                    requireEmbeddingSize(folder, data));
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    /** Returns the model id this index was built with. */
    public String modelId() {
        return modelId;
    }

    /** Returns the embedding size this index was built with. */
    public int embeddingSize() {
        return embeddingSize;
    }

    /** Returns the folder of this index. */
    public Path folder() {
        return folder;
    }

    /** Returns the number of live stickers. */
    public int size() {
        return reader.numDocs();
    }

    /** Returns the model, size and commit statistics of this index. */
    public IndexInfo info() throws IOException {
        return new IndexInfo(modelId, embeddingSize, SIMILARITY.name(), reader.numDocs(), reader.leaves().size(),
                reader.getIndexCommit().getGeneration());
    }

    /**
     * Checks that {@code otherModelId} produced this index, so a query embedding is comparable with the stored ones.
     *
     * @throws IllegalArgumentException naming both model ids when they differ
     */
    public void requireModel(String otherModelId, int otherEmbeddingSize) {
        checkModel(folder, userData(modelId, embeddingSize), otherModelId, otherEmbeddingSize);
    }

    /**
     * Adds or replaces stickers, keyed by sha256, and commits once. An empty list commits nothing.
     *
     * @throws IllegalArgumentException when an embedding has the wrong size or is not a unit vector; nothing of
     *     the batch is written then
     */
    public void add(List<StickerEntry> entries) throws IOException {
        requireWriter("add");
        if (entries.isEmpty()) {
            return;
        }
        for (StickerEntry entry : entries) {
            checkEmbedding(entry.embedding(), entry.path());
        }

        long start = System.nanoTime();
        int written = 0;
        for (StickerEntry entry : entries) {
            writer.updateDocument(new Term(FIELD_SHA256, entry.sha256()), toDocument(entry));
            written++;
            if (written % LOG_EVERY == 0) {
                log.info("Indexed {} of {} stickers of this add, {} s elapsed", written, entries.size(),
                        String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
            }
        }
        commit();
        if (entries.size() >= LOG_EVERY) {
            log.info("Committed {} stickers to {} in {} s", entries.size(), folder,
                    String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
        }
    }

    /** Removes stickers by sha256 and commits once; returns how many of them were present. */
    public int remove(Collection<String> sha256s) throws IOException {
        requireWriter("remove");
        int present = 0;
        for (String sha256 : new LinkedHashSet<>(sha256s)) {
            if (searcher.count(new TermQuery(new Term(FIELD_SHA256, sha256))) > 0) {
                present++;
            }
            writer.deleteDocuments(new Term(FIELD_SHA256, sha256));
        }
        commit();
        return present;
    }

    /** Returns the stored sticker with this sha256, if present. */
    public Optional<StickerEntry> get(String sha256) throws IOException {
        TopDocs top = searcher.search(new TermQuery(new Term(FIELD_SHA256, sha256)), 1);
        if (top.scoreDocs.length == 0) {
            return Optional.empty();
        }
        return Optional.of(toEntry(top.scoreDocs[0].doc));
    }

    /** Returns the {@code k} nearest stickers through the HNSW graph, best first. */
    public List<SearchHit> search(float[] query, int k) throws IOException {
        return search(query, k, DEFAULT_CANDIDATES);
    }

    /**
     * Returns approximately the {@code k} nearest stickers through the HNSW graph, best first.
     *
     * @param candidates HNSW ef: the size of the candidate list kept during the graph walk; raised to {@code k}
     */
    public List<SearchHit> search(float[] query, int k, int candidates) throws IOException {
        checkQuery(query, k);
        int ef = Math.max(k, candidates);
        TopDocs top = searcher.search(new KnnFloatVectorQuery(FIELD_EMBEDDING, query, ef), ef);
        List<SearchHit> hits = new ArrayList<>(Math.min(k, top.scoreDocs.length));
        for (int i = 0; i < top.scoreDocs.length && i < k; i++) {
            ScoreDoc scoreDoc = top.scoreDocs[i];
            // DOT_PRODUCT scores are (1 + dot) / 2; the cosine of unit vectors is the dot product.
            hits.add(toHit(scoreDoc.doc, 2.0 * scoreDoc.score - 1.0));
        }
        return hits;
    }

    /**
     * Returns the {@code k} nearest stickers by scanning every stored vector, best first. Equal scores keep index
     * order (segment, then document number).
     */
    public List<SearchHit> exactSearch(float[] query, int k) throws IOException {
        checkQuery(query, k);
        int[] docs = exactTopDocs(query, k);
        List<SearchHit> hits = new ArrayList<>(docs.length);
        for (int doc : docs) {
            hits.add(toHit(doc, VectorUtil.dotProduct(query, vectorOf(doc))));
        }
        return hits;
    }

    /** Returns every live sticker's sha256 with its embedding, in index order. */
    public List<StickerEntry> entries() throws IOException {
        List<StickerEntry> entries = new ArrayList<>(reader.numDocs());
        for (LeafReaderContext leaf : reader.leaves()) {
            Bits live = leaf.reader().getLiveDocs();
            for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                if (live == null || live.get(doc)) {
                    entries.add(toEntry(leaf.docBase + doc));
                }
            }
        }
        return entries;
    }

    @Override
    public void close() throws IOException {
        try {
            reader.close();
            if (writer != null) {
                writer.close();
            }
        } finally {
            directory.close();
        }
    }

    // Exact scan: a bounded min-heap of (score, global doc) over every live vector of every segment.
    private int[] exactTopDocs(float[] query, int k) throws IOException {
        PriorityQueue<double[]> heap = new PriorityQueue<>((a, b) -> a[0] != b[0]
                ? Double.compare(a[0], b[0]) : Double.compare(b[1], a[1]));
        for (LeafReaderContext leaf : reader.leaves()) {
            LeafReader leafReader = leaf.reader();
            FloatVectorValues values = leafReader.getFloatVectorValues(FIELD_EMBEDDING);
            if (values == null) {
                continue;
            }
            Bits live = leafReader.getLiveDocs();
            for (int ord = 0; ord < values.size(); ord++) {
                int doc = values.ordToDoc(ord);
                if (live != null && !live.get(doc)) {
                    continue;
                }
                double score = VectorUtil.dotProduct(query, values.vectorValue(ord));
                heap.add(new double[] {score, leaf.docBase + doc});
                if (heap.size() > k) {
                    heap.poll();
                }
            }
        }
        int[] docs = new int[heap.size()];
        for (int i = docs.length - 1; i >= 0; i--) {
            docs[i] = (int) heap.poll()[1];
        }
        return docs;
    }

    private void commit() throws IOException {
        writer.setLiveCommitData(userData(modelId, embeddingSize).entrySet());
        writer.commit();
        DirectoryReader changed = DirectoryReader.openIfChanged(reader, writer);
        if (changed != null) {
            reader.close();
            reader = changed;
            searcher = new IndexSearcher(reader);
        }
    }

    private static Lucene103Codec hnswCodec() {
        Lucene99HnswVectorsFormat format = new Lucene99HnswVectorsFormat(MAX_CONN, BEAM_WIDTH);
        return new Lucene103Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return format;
            }
        };
    }

    private static Document toDocument(StickerEntry entry) {
        Document document = new Document();
        document.add(new StringField(FIELD_SHA256, entry.sha256(), Field.Store.YES));
        document.add(new StoredField(FIELD_PATH, entry.path()));
        document.add(new StoredField(FIELD_FORMAT, entry.format()));
        for (String label : entry.labels()) {
            document.add(new StoredField(FIELD_LABELS, label));
        }
        document.add(new StoredField(FIELD_FRAMES, entry.frameCount()));
        document.add(new KnnFloatVectorField(FIELD_EMBEDDING, entry.embedding().vector(), SIMILARITY));
        return document;
    }

    private SearchHit toHit(int doc, double score) throws IOException {
        Document document = reader.storedFields().document(doc);
        return new SearchHit(document.get(FIELD_SHA256), document.get(FIELD_PATH), document.get(FIELD_FORMAT),
                Arrays.asList(document.getValues(FIELD_LABELS)), score);
    }

    private StickerEntry toEntry(int doc) throws IOException {
        Document document = reader.storedFields().document(doc);
        return new StickerEntry(document.get(FIELD_SHA256), document.get(FIELD_PATH), document.get(FIELD_FORMAT),
                Arrays.asList(document.getValues(FIELD_LABELS)),
                document.getField(FIELD_FRAMES).numericValue().intValue(), new Embedding(vectorOf(doc)));
    }

    private float[] vectorOf(int doc) throws IOException {
        LeafReaderContext leaf = reader.leaves().get(ReaderUtil.subIndex(doc, reader.leaves()));
        FloatVectorValues values = leaf.reader().getFloatVectorValues(FIELD_EMBEDDING);
        var iterator = values.iterator();
        int target = doc - leaf.docBase;
        if (iterator.advance(target) != target) {
            throw new IllegalStateException("document " + doc + " of " + folder + " has no embedding");
        }
        return values.vectorValue(iterator.index()).clone();
    }

    private void checkEmbedding(Embedding embedding, String path) {
        float[] vector = embedding.vector();
        if (vector.length != embeddingSize) {
            throw new IllegalArgumentException("embedding of " + path + " has " + vector.length
                    + " dimensions; index " + folder + " expects " + embeddingSize);
        }
        double norm = Math.sqrt(VectorUtil.dotProduct(vector, vector));
        if (Math.abs(norm - 1.0) > UNIT_NORM_TOLERANCE) {
            throw new IllegalArgumentException("embedding of " + path + " has L2 norm " + norm
                    + "; the index stores unit vectors (norm 1 within " + UNIT_NORM_TOLERANCE + ")");
        }
    }

    private void checkQuery(float[] query, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (query.length != embeddingSize) {
            throw new IllegalArgumentException("query has " + query.length + " dimensions; index " + folder
                    + " expects " + embeddingSize);
        }
    }

    private void requireWriter(String operation) {
        if (writer == null) {
            throw new IllegalStateException("index " + folder + " was opened for reading; cannot " + operation);
        }
    }

    private static Path requireIndexFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException("index folder " + folder + " not found; create an index with 'gse index add'");
        }
        return folder;
    }

    private static Map<String, String> readUserData(Directory directory) throws IOException {
        try (DirectoryReader reader = DirectoryReader.open(directory)) {
            return reader.getIndexCommit().getUserData();
        }
    }

    private static Map<String, String> userData(String modelId, int embeddingSize) {
        Map<String, String> data = new HashMap<>();
        data.put(MODEL_ID_KEY, modelId);
        data.put(EMBEDDING_SIZE_KEY, Integer.toString(embeddingSize));
        data.put(SIMILARITY_KEY, SIMILARITY.name());
        return data;
    }

    private static void checkModel(Path folder, Map<String, String> data, String modelId, int embeddingSize) {
        String storedId = requireModelId(folder, data);
        int storedSize = requireEmbeddingSize(folder, data);
        if (!storedId.equals(modelId) || storedSize != embeddingSize) {
            throw new IllegalArgumentException("index " + folder + " was built with model " + storedId + " ("
                    + storedSize + " dimensions), but the model in use is " + modelId + " (" + embeddingSize
                    + " dimensions); use the same model or a new --index folder");
        }
    }

    private static String requireModelId(Path folder, Map<String, String> data) {
        String id = data.get(MODEL_ID_KEY);
        if (id == null) {
            throw new IllegalArgumentException("folder " + folder + " contains a Lucene index without "
                    + MODEL_ID_KEY + " in its commit data; it was not written by gse");
        }
        return id;
    }

    private static int requireEmbeddingSize(Path folder, Map<String, String> data) {
        String size = data.get(EMBEDDING_SIZE_KEY);
        try {
            return Integer.parseInt(size);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("index " + folder + " records an invalid " + EMBEDDING_SIZE_KEY
                    + " '" + size + "'; expected a positive integer", e);
        }
    }
}
