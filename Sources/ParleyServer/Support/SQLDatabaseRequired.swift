/// A database without an SQL side was handed to code that needs one (Parley only configures SQL stores).
struct SQLDatabaseRequired: Error {}
