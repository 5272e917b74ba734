from fieldplan.cli import main

raise SystemExit(main())
