package dataset

// Word lists for generated records. Nothing outside smiths contains the
// substring "smi", so the share of people matching ilike "%smi%" on the last
// name (and on the email, which embeds it) is exactly the smith share; see
// SmithShare.
var (
	firstNames = []string{
		"James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
		"William", "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
		"Thomas", "Sarah", "Charles", "Karen", "Christopher", "Nancy", "Daniel", "Lisa",
		"Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra", "Donald", "Ashley",
		"Steven", "Kimberly", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle",
		"Kenneth", "Carol", "Kevin", "Amanda", "Brian", "Melissa", "George", "Deborah",
		"Timothy", "Stephanie", "Ronald", "Rebecca", "Jason", "Laura", "Edward", "Helen",
		"Ada", "Grace", "Alan", "Hedy", "Linus", "Ken", "Barbara", "Frances", "Yuki", "Wei",
		"Priya", "Arjun", "Fatima", "Omar", "Lucia", "Mateo", "Sofia", "Hugo", "Ingrid", "Lars",
	}
	lastNames = []string{
		"Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
		"Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
		"Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris",
		"Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen",
		"King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green",
		"Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter",
		"Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz",
		"Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy", "Cook",
		"Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey", "Reed",
		"Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson",
		"Lovelace", "Hopper", "Turing", "Lamarr", "Torvalds", "Thompson", "Liskov", "Allen",
		"Tanaka", "Chen", "Patel", "Singh", "Haddad", "Khan", "Fernandez", "Silva", "Dubois", "Larsen",
	}
	// smiths are the names that match "%smi%", weighted: Smith is by far the
	// most common, as in English-speaking customer bases.
	smiths = []string{"Smith", "Smith", "Smith", "Smith", "Smith", "Smith", "Smithers", "Blacksmith", "Goldsmith", "Smithson"}
	cities = []string{
		"New York", "London", "Paris", "Berlin", "Toronto", "Sydney", "Austin", "Lisbon",
		"Madrid", "Amsterdam", "Dublin", "Chicago", "Seattle", "Tokyo", "Seoul", "Singapore",
		"Mumbai", "Lagos", "Nairobi", "Sao Paulo", "Mexico City", "Buenos Aires", "Cape Town", "Oslo",
	}
	jobTitles = []string{
		"Founder", "CEO", "CTO", "Head of Growth", "Community Manager", "Trader", "Student",
		"Software Engineer", "Designer", "Marketing Lead", "Sales Representative", "Coach",
		"Content Creator", "Analyst", "Product Manager", "Consultant", "Teacher", "",
	}
	emailDomains = []string{"gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "hey.com", "fastmail.com"}
	companyWords = []string{
		"Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay",
		"Pied", "Piper", "Cyberdyne", "Tyrell", "Wonka", "Gringotts", "Oscorp", "Soylent",
		"Aperture", "Black", "Mesa", "Blue", "Sun", "Nova", "Atlas", "Zenith", "Quantum",
	}
	companySuffixes = []string{"Labs", "Inc", "Group", "Studio", "Academy", "Capital", "Media", "Trading", "Club"}
	stages          = []string{"NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER", "CUSTOMER", "CUSTOMER", "CHURNED"}
	membershipState = []string{"active", "active", "active", "trialing", "past_due", "canceled", "expired"}
)
