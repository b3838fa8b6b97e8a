import ArgumentParser
import Dataset
import Engine
import Foundation
import RunArchive
import Support
import Training

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List archived runs, newest first, with each unit's final test accuracy.")

    @OptionGroup var runs: RunStoreOptions

    func run() throws {
        let store = runs.store
        let ids = try store.runIDs()
        guard !ids.isEmpty else {
            Console.current.line("\(store.root): no runs yet; `report` makes one")
            return
        }
        Console.current.line("id                started               status       epochs  seeds     final test accuracy")
        for id in ids {
            let manifest: RunManifest
            do {
                manifest = try store.runManifest(id)
            } catch {
                Console.current.line(pad(id.rawValue, 18) + "cannot be read: \(error)")
                continue
            }
            let config = manifest.config
            let accuracies = config.units.map { unit -> String in
                let label = unit.model.id.rawValue.replacingOccurrences(of: "model", with: "M") + (config.isStudy ? "/s\(unit.seed)" : "")
                do {
                    let record = try store.unit(unit.id)
                    return String(format: "%@ %.2f%%", label, 100 * (record.metrics.last?.testAccuracy ?? 0))
                } catch ArchiveError.mismatch(let mismatch) {
                    return "\(label) changed (\(mismatch))"
                } catch ArchiveError.unfinished {
                    let done = store.checkpointedEpochs(unit.id)
                    return "\(label) \(done)/\(config.settings.epochs) epochs"
                } catch FileError.missing {
                    return "\(label) not started"
                } catch {
                    return "\(label) unreadable (\(error))"
                }
            }
            // Shown to the second ("2026-11-29T22:02:01Z"); the archive keeps milliseconds to order runs started within one second.
            let started = manifest.started.count > 20 ? manifest.started.prefix(19) + "Z" : manifest.started
            let columns = [pad(id.rawValue, 18), pad(started, 22), pad(((try? store.status(id, stillQueued: { SlurmExecutor.hasQueuedJob($0, in: store.layout) })) ?? manifest.status).rawValue, 13),
                           pad(String(config.settings.epochs), 8), pad(SeedList(config.seeds).description, 10)]
            Console.current.line(columns.joined() + accuracies.joined(separator: ", "))
        }
    }
}
