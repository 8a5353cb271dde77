package ai

import (
	"math"
	"strings"
	"unicode"
)

// The offline sentiment scorer (lexicon-v1). Word valences run from -4 to
// +4 and were written for Roster, with the words customers use about a
// membership or a sale (refund, cancel, renew, upgrade). The way they
// combine follows VADER's published rules (Hutto & Gilbert, 2014): a
// negation among the three preceding words flips and damps a word
// (x -0.74), a booster or dampener before it adds or takes 0.293, a word in
// capitals among lower-case text adds 0.733, words before "but" count half
// and after it one and a half, and the sum s becomes compound =
// s / sqrt(s^2 + 15). Compound >= 0.05 is POSITIVE, <= -0.05 NEGATIVE.
const (
	negationScalar = -0.74
	boosterStep    = 0.293
	capsBoost      = 0.733
	normAlpha      = 15.0
	labelThreshold = 0.05
)

var lexicon = map[string]float64{
	// positive
	"good": 1.9, "great": 3.1, "excellent": 3.2, "amazing": 2.8, "awesome": 3.1, "fantastic": 3.0, "love": 3.2,
	"loved": 2.9, "loves": 2.7, "like": 1.3, "liked": 1.5, "likes": 1.2, "happy": 2.7, "glad": 2.0, "pleased": 2.2,
	"thanks": 1.9, "thank": 1.5, "thankful": 2.3, "grateful": 2.4, "appreciate": 2.0, "appreciated": 2.1,
	"helpful": 1.9, "useful": 1.7, "valuable": 2.1, "easy": 1.5, "smooth": 1.4, "fast": 0.8, "quick": 0.8,
	"recommend": 1.9, "recommended": 1.8, "satisfied": 1.8, "perfect": 2.7, "nice": 1.8, "best": 3.0, "better": 1.9,
	"improved": 1.7, "impressed": 2.1, "wonderful": 2.7, "brilliant": 2.8, "win": 2.0, "won": 1.8, "success": 2.6,
	"successful": 2.5, "interested": 1.6, "excited": 2.2, "exciting": 2.2, "keen": 1.4, "eager": 1.5, "enjoy": 2.2,
	"enjoyed": 2.3, "enjoying": 2.1, "renew": 1.2, "renewed": 1.4, "upgrade": 1.4, "upgraded": 1.6, "yes": 0.9,
	"agree": 1.3, "agreed": 1.3, "signed": 1.2, "resolved": 1.4, "fixed": 1.2, "works": 0.9, "working": 0.6,
	"solid": 1.3, "reliable": 1.8, "friendly": 2.0, "responsive": 1.6, "love-it": 3.0, "worth": 1.5, "promising": 1.7,
	"positive": 2.0, "delighted": 2.9, "fun": 2.1, "well": 1.1, "welcome": 1.6, "please": 0.3, "ok": 0.6, "okay": 0.6,
	// negative
	"bad": -2.5, "terrible": -3.2, "awful": -3.1, "horrible": -3.1, "worst": -3.1, "worse": -2.1, "poor": -2.1,
	"hate": -2.9, "hated": -3.0, "dislike": -1.8, "unhappy": -2.5, "sad": -2.1, "angry": -2.6, "upset": -2.3,
	"annoyed": -2.0, "annoying": -2.2, "frustrated": -2.4, "frustrating": -2.3, "frustration": -2.2,
	"disappointed": -2.3, "disappointing": -2.2, "disappointment": -2.3, "confused": -1.3, "confusing": -1.4,
	"problem": -1.7, "problems": -1.7, "issue": -1.2, "issues": -1.3, "bug": -1.4, "bugs": -1.5, "broken": -2.0,
	"fail": -2.2, "failed": -2.3, "failing": -2.1, "failure": -2.3, "error": -1.5, "errors": -1.5,
	"slow": -1.3, "expensive": -1.4, "overpriced": -2.0, "cancel": -1.6, "cancelled": -1.7, "canceled": -1.7,
	"cancelling": -1.7, "canceling": -1.7, "cancellation": -1.6, "refund": -1.5, "refunded": -1.3, "chargeback": -2.6,
	"complaint": -2.0, "complain": -1.9, "complained": -2.0, "complaining": -2.0, "late": -0.9, "delay": -1.1,
	"delayed": -1.2, "waiting": -0.6, "ignored": -1.9, "unacceptable": -2.8, "useless": -2.6, "waste": -2.2,
	"scam": -3.2, "fraud": -3.1, "lost": -1.3, "lose": -1.4, "leaving": -1.0, "leave": -0.6, "quit": -1.3,
	"churn": -1.8, "churned": -1.9, "declined": -1.5, "unpaid": -1.5, "overdue": -1.6,
	"difficult": -1.5, "hard": -0.7, "unclear": -1.1, "missing": -1.2, "wrong": -2.1, "mistake": -1.8,
	"risk": -1.1, "worried": -1.8, "concern": -1.2, "concerned": -1.5, "concerns": -1.3, "doubt": -1.5,
	"ignore": -1.2, "negative": -2.2, "sucks": -2.8, "rude": -2.5, "unreliable": -2.2, "downgrade": -1.4,
}

// negations flip the next words' valence.
var negations = map[string]bool{
	"not": true, "no": true, "never": true, "nobody": true, "nothing": true, "neither": true, "nor": true,
	"without": true, "isn't": true, "wasn't": true, "aren't": true, "weren't": true, "don't": true, "doesn't": true,
	"didn't": true, "won't": true, "wouldn't": true, "can't": true, "cannot": true, "couldn't": true, "shouldn't": true,
	"hasn't": true, "haven't": true, "hadn't": true, "isnt": true, "dont": true, "doesnt": true, "didnt": true, "cant": true, "wont": true,
}

// boosters strengthen (+) or soften (-) the word after them.
var boosters = map[string]float64{
	"very": boosterStep, "really": boosterStep, "extremely": boosterStep, "so": boosterStep, "super": boosterStep,
	"incredibly": boosterStep, "absolutely": boosterStep, "totally": boosterStep, "completely": boosterStep,
	"highly": boosterStep, "truly": boosterStep, "most": boosterStep, "too": boosterStep,
	"slightly": -boosterStep, "somewhat": -boosterStep, "barely": -boosterStep, "kind": -boosterStep,
	"sort": -boosterStep, "little": -boosterStep, "marginally": -boosterStep, "hardly": -boosterStep,
}

// Sentiment is the offline scorer's result; Hits counts the words that
// carried a valence.
type Sentiment struct {
	Label      string
	Score      float64
	Confidence float64
	Hits       int
}

// ScoreSentiment rates a text with the lexicon. It is deterministic.
func ScoreSentiment(text string) Sentiment {
	words := tokens(text)
	anyLower := false
	for _, w := range words {
		if w != strings.ToUpper(w) {
			anyLower = true
			break
		}
	}
	vals := make([]float64, len(words))
	butAt := -1
	hits := 0
	for i, raw := range words {
		w := strings.ToLower(raw)
		if w == "but" && butAt < 0 {
			butAt = i
		}
		v, ok := lexicon[w]
		if !ok {
			continue
		}
		hits++
		if anyLower && len(raw) > 1 && raw == strings.ToUpper(raw) && hasLetter(raw) {
			v += math.Copysign(capsBoost, v)
		}
		for back := 1; back <= 3 && i-back >= 0; back++ {
			prev := strings.ToLower(words[i-back])
			if b, ok := boosters[prev]; ok {
				scale := b
				if back == 2 {
					scale *= 0.95
				} else if back == 3 {
					scale *= 0.9
				}
				v += math.Copysign(scale, v)
			}
			if negations[prev] {
				v *= negationScalar
				break
			}
		}
		vals[i] = v
	}
	sum := 0.0
	for i, v := range vals {
		switch {
		case butAt >= 0 && i < butAt:
			v *= 0.5
		case butAt >= 0 && i > butAt:
			v *= 1.5
		}
		sum += v
	}
	compound := sum / math.Sqrt(sum*sum+normAlpha)
	compound = math.Max(-1, math.Min(1, compound))
	compound = math.Round(compound*1000) / 1000
	s := Sentiment{Score: compound, Hits: hits}
	switch {
	case compound >= labelThreshold:
		s.Label, s.Confidence = LabelPositive, math.Abs(compound)
	case compound <= -labelThreshold:
		s.Label, s.Confidence = LabelNegative, math.Abs(compound)
	default:
		s.Label = LabelNeutral
		// Neutral with no feeling words at all is a fair guess, not a
		// certainty; mixed words that cancel out are less sure still.
		s.Confidence = 0.5
		if hits > 0 {
			s.Confidence = 0.3
		}
	}
	s.Confidence = math.Round(s.Confidence*1000) / 1000
	return s
}

// tokens splits text into words, keeping apostrophes inside words.
func tokens(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '-')
	})
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
