import Foundation

/// Work the app logic asks the program to do (I/O, the engine); the runner carries it out, tests
/// read it.
public enum Effect: Equatable, Sendable {
    case submit(JobRequest)
    case cancel(job: String)
    case writeFile(URL, String)
    case deleteFile(URL)
    case rescanGallery
    case rescanStyles
    case loadRecord(URL)
    case quit
}
