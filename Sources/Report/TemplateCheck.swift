import Foundation

/// Mustache renders a missing name as nothing; a report with a silent blank is
/// wrong, so before rendering every tag's name is looked up in the context,
/// following sections the way Mustache does, and any miss is an error.
enum TemplateCheck {
    /// `{{name}}`, `{{{name}}}`, `{{#name}}`, `{{/name}}`...: the kind sigil and the name.
    nonisolated(unsafe) private static let tag = /\{\{\{?\s*(?<kind>[#^\/&!>%]?)\s*(?<name>[^}]*?)\s*\}?\}\}/

    /// Names used by `template` that `context` does not provide, with their line.
    static func missingNames(in template: String, context: [String: Any]) -> [String] {
        var scopes: [[Any]] = [[context]]  // each scope: the values a name may be looked up in
        var missing: [String] = []
        for match in template.matches(of: tag) {
            let kind = String(match.output.kind)
            let name = String(match.output.name)
            let line = template[..<match.range.lowerBound].filter { $0 == "\n" }.count + 1
            switch kind {
            case "!", "%", ">": continue
            case "/":
                if scopes.count > 1 { scopes.removeLast() }
                continue
            default: break
            }
            if scopes.last?.first is Unrendered {
                if kind == "#" || kind == "^" { scopes.append([Unrendered()]) }
                continue
            }
            guard name != "." else {
                if kind == "#" || kind == "^" { scopes.append([]) }
                continue
            }
            let value = resolve(name, in: scopes)
            if value == nil { missing.append("'\(name)' (line \(line))") }
            if kind == "#" {
                if value as? Bool == false || (value as? [Any])?.isEmpty == true {
                    scopes.append([Unrendered()])
                } else if let list = value as? [Any] {
                    scopes.append(list)
                } else if let object = value as? [String: Any] {
                    scopes.append([object])
                } else {
                    scopes.append([])
                }
            } else if kind == "^" {
                scopes.append([])
            }
        }
        return missing
    }

    /// Marks a section that renders nothing for this context (false or an
    /// empty list): its names cannot be checked against values that do not exist.
    private struct Unrendered {}

    /// Looks `name` (possibly dotted) up from the innermost scope outwards; a
    /// scope counts only if every value in it has the name.
    private static func resolve(_ name: String, in scopes: [[Any]]) -> Any? {
        let parts = name.split(separator: ".").map(String.init)
        for scope in scopes.reversed() where !scope.isEmpty {
            let found = scope.map { ($0 as? [String: Any])?[parts[0]] }
            guard found.allSatisfy({ $0 != nil }) else { continue }
            var value: Any? = found[0]
            for part in parts.dropFirst() { value = (value as? [String: Any])?[part] }
            return value
        }
        return nil
    }
}
