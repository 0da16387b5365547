import GraphCLI

// The `retention` executable: everything it does lives in the GraphCLI library, where the
// tests and the fuzz targets call it in-process.
RetentionCommand.main()
